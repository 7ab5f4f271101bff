import { useRouteError } from 'react-router-dom';
import { ErrorState } from '../components/States';

export function RouteError() {
  const error = useRouteError();
  return <main className="content"><ErrorState error={error} onRetry={() => window.location.reload()} /></main>;
}
