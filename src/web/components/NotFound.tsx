import { Link } from 'react-router-dom';
import { useI18n } from '../lib/i18n';

export function NotFound() {
  const { t } = useI18n();
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <p className="not-found-code" aria-hidden="true">404</p>
      <h1 id="not-found-title">{t('error.not_found.title')}</h1>
      <p>{t('error.not_found.body')}</p>
      <Link className="btn btn-primary" to="/dashboard">{t('error.not_found.home')}</Link>
    </section>
  );
}
