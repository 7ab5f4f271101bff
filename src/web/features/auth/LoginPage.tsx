import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { loginBody } from '../../../features/auth/auth.schemas';
import { FormAlert, TextField } from '../../components/Field';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { ApiError, type FieldErrors } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { validateWith } from '../../lib/validation';
import { useCurrentUser, useLogin } from './auth.api';

function safeNext(next: string | null): string {
  return next && next.startsWith('/dashboard') ? next : '/dashboard';
}

export function LoginPage() {
  const { t, language } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useCurrentUser();
  const login = useLogin();
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);

  if (me.data) return <Navigate to={safeNext(params.get('next'))} replace />;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const checked = validateWith(loginBody, { email: form.get('email'), password: form.get('password') }, language);
    setAlert(null);
    if (!checked.ok) {
      setFields(checked.fields);
      return;
    }
    setFields({});
    login.mutate(checked.data, {
      onSuccess: () => navigate(safeNext(params.get('next')), { replace: true }),
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) setFields(error.fields);
        else if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') setAlert(t('login.failed'));
        else if (error instanceof ApiError && error.code === 'RATE_LIMITED') setAlert(t('login.rate_limited'));
        else setAlert(describeError(error, t));
      },
    });
  }

  return (
    <main className="login-page">
      <div className="login-card">
        <div className="login-top">
          <div className="brand brand-dark"><span className="brand-mark" aria-hidden="true">E</span>EDUZEN</div>
          <LanguageSwitch />
        </div>
        <h1>{t('login.title')}</h1>
        <p className="page-subtitle">{t('login.subtitle')}</p>
        <form onSubmit={submit} noValidate className="form">
          <FormAlert message={alert} />
          <TextField label={t('login.email')} name="email" type="email" autoComplete="username" required error={fields.email} autoFocus />
          <TextField label={t('login.password')} name="password" type="password" autoComplete="current-password" required error={fields.password} />
          <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending}>{t('login.submit')}</button>
        </form>
      </div>
    </main>
  );
}
