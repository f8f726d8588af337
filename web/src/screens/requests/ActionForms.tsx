// The actions this person may take on a request now (model.ts
// allowedActions), each with its own small form. A refused action shows the
// node's reason and changes nothing; the form keeps what was typed.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api/client';
import { codeName } from '../../i18n';
import { ErrorNote } from '../../ui/Page';
import { useAction } from '../../ui/useAction';
import { AttachmentPicker, useAttachments } from './Attachments';
import { declineReasons, type RequestActionName, type RequestDoc } from './model';

type Send = (action: RequestActionName, args: Record<string, unknown>) => Promise<void>;

function useSubmit(send: Send, action: RequestActionName) {
  const { busy, error, run: runAction } = useAction();
  const run = (e: FormEvent, args: () => Record<string, unknown>) => {
    e.preventDefault();
    return runAction(() => send(action, args()));
  };
  return { busy, error, run };
}

function Form({
  action,
  send,
  args,
  children,
  ready = true,
}: {
  action: RequestActionName;
  send: Send;
  args: () => Record<string, unknown>;
  children?: ReactNode;
  ready?: boolean;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useSubmit(send, action);
  return (
    <form className={`rq-action-form rq-form-${action}`} data-action={action} onSubmit={(e) => void run(e, args)}>
      {children}
      <div className="rq-buttons">
        <button type="submit" className="primary" disabled={busy || !ready}>
          {t(`requests.do_${action}`)}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function TextField({ label, value, set, required = true }: { label: string; value: string; set: (v: string) => void; required?: boolean }) {
  const id = useId();
  return (
    <label htmlFor={id}>
      {label}
      <textarea id={id} rows={3} value={value} required={required} onChange={(e) => set(e.target.value)} />
    </label>
  );
}

// model/request.h: a question, an answer and a reopen reason are required;
// a withdraw reason may be empty.
function TextForm({
  action,
  send,
  arg,
  label,
  required = true,
}: {
  action: RequestActionName;
  send: Send;
  arg: string;
  label: string;
  required?: boolean;
}) {
  const [text, setText] = useState('');
  return (
    <Form action={action} send={send} args={() => ({ [arg]: text })} ready={!required || text.trim() !== ''}>
      <TextField label={label} value={text} set={setText} required={required} />
    </Form>
  );
}

function RespondForm({ action, send }: { action: 'respond_partial' | 'respond_final'; send: Send }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const files = useAttachments();
  return (
    <Form
      action={action}
      send={async (a, args) => {
        await send(a, args);
        files.clear();
      }}
      args={() => ({
        note,
        attachments: files.notes.map((f) => ({ sha256: f.sha256, name: f.name, size: f.size })),
      })}
      ready={!files.busy}
    >
      <TextField label={t('requests.response_note')} value={note} set={setNote} required={false} />
      <AttachmentPicker files={files} />
    </Form>
  );
}

function DeclineForm({ send }: { send: Send }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  return (
    <Form action="decline" send={send} args={() => ({ reason, note })} ready={reason !== '' && (reason !== 'other' || note.trim() !== '')}>
      <label htmlFor={id}>
        {t('requests.decline_reason')}
        <select id={id} value={reason} required onChange={(e) => setReason(e.target.value)}>
          <option value="">{t('requests.choose')}</option>
          {declineReasons.map((r) => (
            <option key={r} value={r}>
              {codeName(t, 'decline_reason', r)}
            </option>
          ))}
        </select>
      </label>
      <TextField label={t('requests.decline_note')} value={note} set={setNote} required={reason === 'other'} />
    </Form>
  );
}

function Score({ name, value, set }: { name: 'completeness' | 'usefulness'; value: string; set: (v: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <label htmlFor={id}>
      {codeName(t, 'rating', name)}
      <select id={id} value={value} required onChange={(e) => set(e.target.value)}>
        <option value="">{t('requests.choose')}</option>
        {[1, 2, 3, 4, 5].map((n) => (
          <option key={n} value={String(n)}>
            {t(`requests.score_${n}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function CloseForm({ send }: { send: Send }) {
  const { t } = useTranslation();
  const [completeness, setCompleteness] = useState('');
  const [usefulness, setUsefulness] = useState('');
  const [comment, setComment] = useState('');
  return (
    <Form
      action="close"
      send={send}
      args={() => ({ rating: { completeness: Number(completeness), usefulness: Number(usefulness), comment } })}
      ready={completeness !== '' && usefulness !== ''}
    >
      <p className="hint">{t('requests.rating_hint')}</p>
      <div className="rq-form-row">
        <Score name="completeness" value={completeness} set={setCompleteness} />
        <Score name="usefulness" value={usefulness} set={setUsefulness} />
      </div>
      <TextField label={t('requests.rating_comment')} value={comment} set={setComment} required={false} />
    </Form>
  );
}

function FormFor({ action, send }: { action: RequestActionName; send: Send }) {
  const { t } = useTranslation();
  switch (action) {
    case 'approve':
    case 'acknowledge':
      return <Form action={action} send={send} args={() => ({})} />;
    case 'request_clarification':
      return <TextForm action={action} send={send} arg="question" label={t('requests.question')} />;
    case 'give_clarification':
      return <TextForm action={action} send={send} arg="answer" label={t('requests.answer')} />;
    case 'respond_partial':
    case 'respond_final':
      return <RespondForm action={action} send={send} />;
    case 'decline':
      return <DeclineForm send={send} />;
    case 'withdraw':
      return <TextForm action={action} send={send} arg="reason" label={t('requests.withdraw_reason')} required={false} />;
    case 'close':
      return <CloseForm send={send} />;
    case 'reopen':
      return <TextForm action={action} send={send} arg="reason" label={t('requests.reopen_reason')} />;
  }
}

export function ActionPanel({
  request,
  actions,
  onDone,
}: {
  request: RequestDoc;
  actions: RequestActionName[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<RequestActionName | null>(null);
  const send: Send = async (action, args) => {
    const id = encodeURIComponent(request.id);
    if (action === 'approve') await post(`/v1/requests/${id}/approve`, {});
    else await post(`/v1/requests/${id}/actions`, { action, args });
    setOpen(null);
    onDone();
  };
  if (actions.length === 0) return null;
  const shown = open && actions.includes(open) ? open : null;
  return (
    <section className="panel rq-actions" aria-labelledby="rq-actions-title">
      <h2 id="rq-actions-title">{t('requests.actions')}</h2>
      <div className="rq-action-buttons">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={`rq-action ${shown === a ? 'rq-action-open' : ''}`}
            data-action={a}
            aria-expanded={shown === a}
            onClick={() => setOpen(shown === a ? null : a)}
          >
            {codeName(t, 'action', a)}
          </button>
        ))}
      </div>
      {shown && <FormFor key={shown} action={shown} send={send} />}
    </section>
  );
}
