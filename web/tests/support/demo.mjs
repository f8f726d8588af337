// The demo's kind of data, made through the API on two test nodes (alpha
// raises and asks, bravo receives and answers), and the app's main screens
// with that data in them: for the accessibility test, the Chinese text test
// and the screenshots (scripts/screenshots.mjs).
//
//   const demo = await fillDemo(nodes);      // ids of what it made, and its texts
//   for (const s of mainScreens(demo)) await openScreen(page, nodes, s, 'zh-CN');
import { waitFor, passwordOf } from './nodes.mjs';

// Every free text the demo writes (people's words, not the app's): the
// Chinese text test leaves them out.
const texts = {
  alert: 'Scanning from 203.0.113.7 against our mail servers',
  alertDetails: 'About 40000 connection attempts per hour on ports 25 and 587 since 06:10.',
  alert2: 'Phishing site imitating our tax office',
  request: 'Subscriber of 198.51.100.23 on 1 December',
  requestDetails: 'Who held this address between 09:00 and 11:00 UTC? Case number 2026/118.',
  preservation: 'Preserve the logs of mail.example.net',
  preservationDetails: 'Keep the SMTP logs of 1 to 3 December for 90 days.',
  // bravo's duty desk writes in Chinese, alpha's in English.
  decline: '该服务器不在我国境内托管。',
  takedown: 'Take down the phishing page at bank-login.example',
  takedownDetails: 'The page imitates the login of a bank.',
  partial: '该地址属于一家托管服务商，我们已要求其提供客户信息。',
  caseTitle: 'Data breach at a logistics company',
  caseEntry: 'The stolen data was offered for sale on a forum.',
  dispute: 'Preservation declined for lack of competence',
  disputeText: 'The server is hosted by a company registered in your country.',
  round: 'Review of the fourth quarter',
  place: 'Videoconference',
  agenda: 'The declined preservation request',
  indicatorNote: 'Hosting of the leak forum',
  sightingWhere: 'mail gateway logs',
};

async function at(node, path, user) {
  return waitFor(async () => {
    try {
      return await node.api('GET', path, undefined, user);
    } catch {
      return false;
    }
  }, `${path} at ${node.name}`);
}

// Makes, always in the same order and with the same words: on alpha an
// acknowledged alert and one bravo has not yet acknowledged; requests
// acknowledged and partly answered, declined, and a draft waiting for
// approval; a case linking the alert and the request; a dispute about the
// declined request; a review round. Answers the ids (the same on both
// nodes) and the texts.
export async function fillDemo({ alpha, bravo }) {
  const acked = await alpha.api('POST', '/v1/alerts', {
    to: 'bravo', priority: 'normal', summary: texts.alert2, details: '',
    labels: { tlp: 'TLP:GREEN', rsit: ['fraud:phishing'], offences: ['budapest:art8'] },
  });
  await at(bravo, `/v1/alerts/${acked.id}`);
  await bravo.api('POST', `/v1/alerts/${acked.id}/actions`, { action: 'acknowledge', args: {} });

  const request = await alpha.api('POST', '/v1/requests', {
    to: 'bravo', kind: 'information', priority: 'urgent', subject: texts.request, details: texts.requestDetails,
    labels: { tlp: 'TLP:AMBER', rsit: ['intrusions:system-compromise'], offences: ['budapest:art2'] },
  });
  await alpha.api('POST', `/v1/requests/${request.id}/approve`, undefined, 'chief');
  await at(bravo, `/v1/requests/${request.id}`);
  await bravo.api('POST', `/v1/requests/${request.id}/actions`, { action: 'acknowledge', args: {} });
  await bravo.api('POST', `/v1/requests/${request.id}/actions`, { action: 'respond_partial', args: { note: texts.partial, attachments: [] } });

  const declined = await alpha.api('POST', '/v1/requests', {
    to: 'bravo', kind: 'preservation', priority: 'normal', subject: texts.preservation, details: texts.preservationDetails,
    labels: { tlp: 'TLP:AMBER+STRICT' },
  });
  await alpha.api('POST', `/v1/requests/${declined.id}/approve`, undefined, 'chief');
  await at(bravo, `/v1/requests/${declined.id}`);
  await bravo.api('POST', `/v1/requests/${declined.id}/actions`, {
    action: 'decline', args: { reason: 'not_competent', note: texts.decline },
  });

  const draft = await alpha.api('POST', '/v1/requests', {
    to: 'bravo', kind: 'takedown', priority: 'urgent', subject: texts.takedown, details: texts.takedownDetails,
    labels: { tlp: 'TLP:CLEAR', rsit: ['fraud:phishing'] },
  });

  const kase = await alpha.api('POST', '/v1/cases', { peer: 'bravo', title: texts.caseTitle, labels: { tlp: 'TLP:AMBER' } });
  await alpha.api('POST', `/v1/cases/${kase.id}/actions`, { action: 'link_request', args: { request_id: request.id } });
  await alpha.api('POST', `/v1/cases/${kase.id}/indicators`, {
    value: '198.51.100.23', first_seen: '2026-12-01T09:12:00.000Z', confidence: 80, note: texts.indicatorNote,
  });
  await alpha.api('POST', `/v1/cases/${kase.id}/actions`, { action: 'add_entry', args: { text: texts.caseEntry } });

  const dispute = await alpha.api('POST', '/v1/disputes', {
    peer: 'bravo', title: texts.dispute, labels: {}, ground: 'jurisdiction', subject: { item: declined.id },
    text: texts.disputeText, lang: 'en', attachments: [],
  });

  let round = null;
  try {
    const day = (d) => d.toISOString().slice(0, 10);
    const now = new Date();
    round = await alpha.api('POST', '/v1/rounds', {
      peer: 'bravo', title: texts.round,
      period_from: `${now.getUTCFullYear() - 1}-10-01T00:00:00.000Z`, period_to: `${now.getUTCFullYear()}-01-01T00:00:00.000Z`,
      meeting_at: `${day(new Date(now.getTime() + 14 * 86400000))}T09:00:00.000Z`, place: texts.place,
      participants: [{ name: 'chief', role: '', party: 'ours' }], agenda: [texts.agenda],
    }, 'chief');
  } catch (e) {
    console.error(`fillDemo: no review round (${e.message})`);
  }

  // A review report of the last whole month (its period has ended).
  let report = null;
  try {
    const now = new Date();
    const first = (y, m) => new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    report = await alpha.api('POST', '/v1/reviews', {
      peer: 'bravo', from: first(now.getUTCFullYear(), now.getUTCMonth() - 1), to: first(now.getUTCFullYear(), now.getUTCMonth()), brief: false,
    }, 'chief');
  } catch (e) {
    console.error(`fillDemo: no review report (${e.message})`);
  }

  // Last, so that it is still waiting at bravo: raised, not acknowledged.
  const alert = await alpha.api('POST', '/v1/alerts', {
    to: 'bravo', priority: 'urgent', summary: texts.alert, details: texts.alertDetails,
    labels: { tlp: 'TLP:AMBER', rsit: ['information-gathering:scanner'] },
  });
  await alpha.api('POST', `/v1/cases/${kase.id}/actions`, { action: 'link_alert', args: { alert_id: alert.id } });
  await at(bravo, `/v1/alerts/${alert.id}`);
  await at(bravo, `/v1/cases/${kase.id}`);
  // Bravo saw the case's indicator; alpha publishes its cases with bravo
  // over TAXII.
  await bravo.api('POST', `/v1/cases/${kase.id}/sightings`, {
    value: '198.51.100.23', first_seen: '2026-12-02T06:10:00.000Z', last_seen: '2026-12-02T07:40:00.000Z', count: 12,
    where: texts.sightingWhere,
  });
  await alpha.api('PUT', '/v1/taxii/peers/bravo', undefined, 'admin');
  await at(bravo, `/v1/disputes/${dispute.id}`);
  if (round) await at(bravo, `/v1/rounds/${round.id}`, 'chief');

  return {
    alert: alert.id, acked: acked.id, request: request.id, declined: declined.id, draft: draft.id,
    case: kase.id, dispute: dispute.id, round: round?.id ?? null, report: report?.id ?? null, texts: Object.values(texts),
  };
}

// The main screens, each: a name (for files and messages), the node it is
// seen on, the user (null: the sign-in page) and the path. Incoming items are
// seen on bravo, the draft waiting for approval on alpha.
export function mainScreens(demo) {
  const s = (name, node, user, path) => ({ name, node, user, path });
  const list = [
    s('signin', 'bravo', null, '/alerts'),
    s('alerts', 'bravo', 'duty', '/alerts'),
    s('alert', 'bravo', 'duty', `/alerts/${demo.alert}`),
    s('alert-new', 'bravo', 'duty', '/alerts/new'),
    s('requests', 'bravo', 'duty', '/requests'),
    s('request', 'bravo', 'duty', `/requests/${demo.request}`),
    s('request-new', 'bravo', 'duty', '/requests/new'),
    s('cases', 'bravo', 'duty', '/cases'),
    s('case', 'bravo', 'duty', `/cases/${demo.case}`),
    s('case-new', 'bravo', 'duty', '/cases/new'),
    s('indicators', 'bravo', 'duty', '/indicators?value=198.51.100.23'),
    s('request-draft', 'alpha', 'chief', `/requests/${demo.draft}`),
    s('ledger', 'alpha', 'chief', '/ledger'),
    s('reports', 'alpha', 'chief', '/review/reports'),
    ...(demo.report ? [s('report', 'alpha', 'chief', `/review/reports/${demo.report}`)] : []),
    s('disputes', 'alpha', 'chief', '/review/disputes'),
    s('dispute', 'alpha', 'chief', `/review/disputes/${demo.dispute}`),
    s('rounds', 'alpha', 'chief', '/review/rounds'),
    ...(demo.round ? [s('round', 'alpha', 'chief', `/review/rounds/${demo.round}`)] : []),
    s('action-items', 'alpha', 'chief', '/review/action-items'),
    s('users', 'alpha', 'admin', '/admin/users'),
    s('tokens', 'alpha', 'admin', '/admin/tokens'),
    s('peers', 'alpha', 'admin', '/admin/peers'),
    s('taxii', 'alpha', 'admin', '/admin/taxii'),
    s('agreement', 'alpha', 'admin', '/admin/agreement'),
    s('mail', 'alpha', 'admin', '/admin/mail'),
    s('escalations', 'bravo', 'duty', '/escalations'),
  ];
  return list;
}

// Opens `screen` in `lang` as its user (signing in, or out for the sign-in
// page, when the page is someone else's), and waits until it has settled:
// its title shown, nothing loading, the fonts ready. Within one person's
// session and language it moves like a click on a link does (no reload).
export async function openScreen(page, nodes, screen, lang) {
  const node = nodes[screen.node];
  const who = `${node.name}/${screen.user ?? '-'}/${lang}`;
  const base = node.url;
  if (page.__demoWho === who && screen.user) {
    await page.evaluate((path) => {
      history.pushState(null, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, screen.path);
    await page.waitForFunction((path) => location.pathname + location.search === path, screen.path);
  } else {
    if (!page.url().startsWith(base)) await page.goto(`${base}/health`);
    await page.evaluate((l) => localStorage.setItem('hotline.lang', l), lang);
    if (page.__demoWho?.split('/').slice(0, 2).join('/') !== who.split('/').slice(0, 2).join('/')) {
      await page.context().clearCookies();
      await page.goto(`${base}${screen.path}`);
      await page.locator('form.signin').waitFor();
      if (screen.user) {
        await page.getByLabel(/user name|用户名/i).fill(screen.user);
        await page.getByLabel(/^password$|^密码$/i).fill(passwordOf(screen.user, node.name));
        await page.locator('form.signin button[type=submit]').click();
        await page.locator('.topbar').waitFor();
      }
    } else {
      await page.goto(`${base}${screen.path}`);
    }
    page.__demoWho = who;
  }
  await settle(page, screen.user ? '#page-title' : 'form.signin');
}

async function settle(page, selector) {
  await page.locator(selector).first().waitFor({ timeout: 15000 });
  await page.waitForFunction(
    () =>
      new Promise((ok) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() =>
            ok(
              document.fonts.status === 'loaded' &&
                !document.querySelector('[aria-busy="true"], .loading') &&
                !/Loading…|正在加载…/.test(document.body.innerText),
            ),
          ),
        ),
      ),
    undefined,
    { timeout: 15000, polling: 50 },
  );
  // Lets the last answers of the node and a last render land.
  await page.waitForTimeout(200);
}
