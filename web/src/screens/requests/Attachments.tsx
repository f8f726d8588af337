// Files to send with a request or a response: each chosen file is uploaded
// to the node's vault at once (POST /v1/attachments) with its own progress
// bar; the form sends the notes of the uploaded ones. While any upload runs
// the form waits (`busy`).
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { upload, type Uploaded } from '../../api/client';
import { ErrorNote } from '../../ui/Page';

interface Upload {
  key: string;
  name: string;
  fraction: number;
  done: Uploaded | null;
  error: unknown;
}

export interface AttachmentState {
  uploads: Upload[];
  busy: boolean;
  notes: Uploaded[];
}

export function useAttachments() {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const update = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${file.size}-${Date.now()}-${Math.random()}`;
      setUploads((list) => [...list, { key, name: file.name, fraction: 0, done: null, error: null }]);
      upload(file, (fraction) => update(key, { fraction }))
        .then((done) => update(key, { done, fraction: 1 }))
        .catch((error: unknown) => update(key, { error }));
    }
  };
  const remove = (key: string) => setUploads((list) => list.filter((u) => u.key !== key));
  const clear = () => setUploads([]);
  const state: AttachmentState = {
    uploads,
    busy: uploads.some((u) => !u.done && !u.error),
    notes: uploads.flatMap((u) => (u.done ? [u.done] : [])),
  };
  return { ...state, add, remove, clear };
}

export function AttachmentPicker({ files }: { files: ReturnType<typeof useAttachments> }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="rq-attachments">
      <label htmlFor={id}>{t('requests.attachments')}</label>
      <input
        id={id}
        type="file"
        multiple
        onChange={(e) => {
          files.add(e.target.files);
          e.target.value = '';
        }}
      />
      {files.uploads.length > 0 && (
        <ul className="rq-uploads">
          {files.uploads.map((u) => (
            <li key={u.key} className={u.done ? 'rq-upload-done' : ''}>
              <span className="rq-upload-name">{u.name}</span>{' '}
              <progress
                max={100}
                value={Math.round(u.fraction * 100)}
                aria-label={t('requests.upload_progress', { name: u.name })}
              />{' '}
              <span className="rq-upload-percent">{t('requests.percent', { n: Math.round(u.fraction * 100) })}</span>{' '}
              {u.done && <span className="muted">{t('requests.uploaded')}</span>}{' '}
              <button
                type="button"
                className="link-button"
                aria-label={t('requests.remove_file', { name: u.name })}
                onClick={() => files.remove(u.key)}
              >
                {t('requests.remove')}
              </button>
              <ErrorNote error={u.error} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
