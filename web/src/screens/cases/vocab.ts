// The codes a case's labels may carry (model/labels.h): TLP 2.0, PAP, the
// Admiralty grading, RSIT incident types ("class:type", the node's list,
// tests/vectors/taxonomies/rsit.csv) and Budapest Convention offences. Only
// codes: their names come from the catalogues (codeName).
export const tlpCodes = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
export const papCodes = ['PAP:CLEAR', 'PAP:GREEN', 'PAP:AMBER', 'PAP:RED'] as const;
export const reliabilityCodes = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const credibilityCodes = [1, 2, 3, 4, 5, 6] as const;

export const rsitCodes = [
  'abusive-content:spam', 'abusive-content:harmful-speech', 'abusive-content:violence',
  'malicious-code:infected-system', 'malicious-code:c2-server', 'malicious-code:malware-distribution',
  'malicious-code:malware-configuration',
  'information-gathering:scanner', 'information-gathering:sniffing', 'information-gathering:social-engineering',
  'intrusion-attempts:ids-alert', 'intrusion-attempts:brute-force', 'intrusion-attempts:exploit',
  'intrusions:privileged-account-compromise', 'intrusions:unprivileged-account-compromise',
  'intrusions:application-compromise', 'intrusions:system-compromise', 'intrusions:burglary',
  'availability:dos', 'availability:ddos', 'availability:misconfiguration', 'availability:sabotage',
  'availability:outage',
  'information-content-security:unauthorised-information-access',
  'information-content-security:unauthorised-information-modification',
  'information-content-security:data-loss', 'information-content-security:data-leak',
  'fraud:unauthorised-use-of-resources', 'fraud:copyright', 'fraud:masquerade', 'fraud:phishing',
  'vulnerable:weak-crypto', 'vulnerable:ddos-amplifier', 'vulnerable:potentially-unwanted-accessible',
  'vulnerable:information-disclosure', 'vulnerable:vulnerable-system',
  'other:other', 'other:undetermined', 'test:test',
] as const;

export const offenceCodes = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => `budapest:art${n}`);

// Indicator types offered first (the node takes any lowercase token).
export const indicatorTypes = [
  'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file-sha256', 'file-md5', 'asn', 'mac-addr',
];

export interface Labels {
  tlp: string;
  pap: string;
  reliability: string | null;
  credibility: number | null;
  rsit: string[];
  offences: string[];
}

export const defaultLabels: Labels = {
  tlp: 'TLP:AMBER',
  pap: 'PAP:AMBER',
  reliability: null,
  credibility: null,
  rsit: [],
  offences: [],
};
