// Files for a dispute's position: chosen here, uploaded to the vault when
// the position is sent (POST /v1/attachments, with progress), then named in
// the action's `attachments` as {sha256, name}.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { upload } from '../../api/client';

export interface FileRef {
  sha256: string;
  name: string;
}

export function useFiles() {
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const uploadAll = async (): Promise<FileRef[]> => {
    const out: FileRef[] = [];
    try {
      for (const f of files) {
        const done = await upload(f, (fraction) => setProgress({ name: f.name, percent: Math.floor(fraction * 100) }));
        out.push({ sha256: done.sha256, name: done.name || f.name });
      }
    } finally {
      setProgress(null);
    }
    return out;
  };
  return { files, setFiles, progress, uploadAll, clear: () => setFiles([]) };
}

export function FilesField({ state }: { state: ReturnType<typeof useFiles> }) {
  const { t } = useTranslation();
  // The browser's own file button speaks the browser's language; this one
  // speaks the app's.
  return (
    <div className="review-files">
      <span>{t('review.attach')}</span>
      <label className="review-file-button">
        {t('review.choose_files')}
        <input type="file" multiple className="visually-hidden" onChange={(e) => state.setFiles(Array.from(e.target.files ?? []))} />
      </label>
      <span className="muted">{state.files.length ? state.files.map((f) => f.name).join(', ') : t('review.no_files')}</span>
      {state.progress && (
        <p role="status">
          <progress max={100} value={state.progress.percent} /> {t('review.uploading', state.progress)}
        </p>
      )}
    </div>
  );
}
