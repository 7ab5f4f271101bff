/** Short notices after an action, announced to screen readers (role=status / alert). */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n';

type Toast = { id: number; tone: 'success' | 'error' | 'info'; message: string };
type ToastApi = { success(message: string): void; error(message: string): void; info(message: string): void };

const ToastContext = createContext<ToastApi | null>(null);
let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const { t } = useI18n();
  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const push = useCallback((tone: Toast['tone'], message: string) => {
    const id = nextId++;
    setToasts((current) => [...current.slice(-3), { id, tone, message }]);
    setTimeout(() => dismiss(id), tone === 'error' ? 9000 : 6000);
  }, [dismiss]);
  const api = useMemo<ToastApi>(() => ({
    success: (message) => push('success', message),
    error: (message) => push('error', message),
    info: (message) => push('info', message),
  }), [push]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
            <span>{toast.message}</span>
            <button type="button" className="btn btn-ghost btn-icon" aria-label={t('common.close')} onClick={() => dismiss(toast.id)}>×</button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}
