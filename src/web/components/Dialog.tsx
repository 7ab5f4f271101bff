/**
 * A modal dialog on the native <dialog> element: focus moves in and is trapped, Escape closes,
 * focus returns to the opener. Render it only while open.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { describeError } from '../lib/errors';
import { useI18n } from '../lib/i18n';
import { FormAlert } from './Field';
import { useToast } from './Toast';

export function Dialog({ title, onClose, children, footer, size = 'medium' }: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { t } = useI18n();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-ghost btn-icon" aria-label={t('common.close')} onClick={onClose}>×</button>
      </header>
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-footer">{footer}</footer>}
    </dialog>
  );
}

export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onClose, pending, danger = true, error }: {
  title: string;
  body: ReactNode;
  /** Why the action was refused, shown under the question (the dialog stays open). */
  error?: string | null;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  danger?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      size="small"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={pending} onClick={onConfirm}>{confirmLabel}</button>
        </>
      )}
    >
      <p>{body}</p>
      {error && <div className="form-alert" role="alert">{error}</div>}
    </Dialog>
  );
}

/** Outcome callbacks, shaped like a TanStack Query mutation's `mutate` options. */
export type DeleteOutcome = { onSuccess: () => void; onError: (error: unknown) => void };

/**
 * Confirms a deletion and reports its outcome: "deleted" on success, otherwise the refusal in
 * words (a 409 says what still depends). `onDelete` starts the deletion with those callbacks.
 */
export function DeleteDialog({ title, body, pending, onDelete, onDeleted, onClose }: {
  title: string;
  body: ReactNode;
  pending: boolean;
  onDelete: (outcome: DeleteOutcome) => void;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  return (
    <ConfirmDialog
      title={title}
      body={body}
      confirmLabel={t('common.delete')}
      pending={pending}
      onClose={onClose}
      onConfirm={() => onDelete({
        onSuccess: () => {
          toast.success(t('common.deleted'));
          onDeleted();
        },
        onError: (error) => {
          toast.error(describeError(error, t));
          onClose();
        },
      })}
    />
  );
}

/** A dialog holding one form: its alert on top, Cancel and Save (busy while `pending`) below. */
export function FormDialog({ title, onClose, onSubmit, pending, alert, size, children }: {
  title: string;
  onClose: () => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  pending: boolean;
  alert?: string | null;
  size?: 'small' | 'medium' | 'large';
  children: ReactNode;
}) {
  const { t } = useI18n();
  const formId = useId();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      size={size}
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={pending}>{pending ? t('common.saving') : t('common.save')}</button>
        </>
      )}
    >
      <form id={formId} className="form" onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
        {children}
      </form>
    </Dialog>
  );
}
