/**
 * A modal dialog on the native <dialog> element: focus moves in and is trapped, Escape closes,
 * focus returns to the opener. Render it only while open.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useI18n } from '../lib/i18n';

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
