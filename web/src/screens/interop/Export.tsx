// Export buttons: an item as a file for the tools the office runs (STIX 2.1
// for MISP/OpenCTI, IODEF v2 for CSIRTs and ticket systems; docs/interop.md).
// The file is fetched with the session (so a refusal, such as a TLP:RED
// item's IODEF, is shown here in the reader's language instead of being
// saved as a file) and handed to the browser as a download with its name.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getBlob } from '../../api/client';
import { ErrorNote } from '../../ui/Page';
import './interop.css';

export type ExportFormat = 'stix' | 'iodef';
type Kind = 'alert' | 'request' | 'case';

const formats: Record<ExportFormat, { accept: string; suffix: string; label: string }> = {
  stix: { accept: 'application/json', suffix: 'stix.json', label: 'interop.export_stix' },
  iodef: { accept: 'application/xml', suffix: 'iodef.xml', label: 'interop.export_iodef' },
};

// "hotline-case-0e1f2a3b.stix.json": the kind, the id's last 8 characters
// (as the CLI shows them) and the format.
export function exportFileName(kind: Kind, id: string, format: ExportFormat): string {
  return `hotline-${kind}-${id.slice(-8)}.${formats[format].suffix}`;
}

function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function ExportButtons({ kind, id, formats: wanted }: { kind: Kind; id: string; formats: ExportFormat[] }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    try {
      const blob = await getBlob(`/v1/${kind}s/${encodeURIComponent(id)}/${format}`, formats[format].accept);
      save(blob, exportFileName(kind, id, format));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="ix-export" role="group" aria-label={t('interop.export')}>
      {wanted.map((f) => (
        <button key={f} type="button" className={`ix-export-${f}`} onClick={() => void run(f)} disabled={busy !== null}>
          {t(formats[f].label)}
        </button>
      ))}
      <ErrorNote error={error} />
    </div>
  );
}
