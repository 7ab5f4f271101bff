/**
 * List state in the URL: filters, sort, order and page are query parameters, so a filtered list
 * can be shared and survives a reload. Changing a filter goes back to page 1.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export type ListState = Record<string, string>;

export function useUrlState<const K extends string>(keys: readonly K[], defaults: Partial<Record<K, string>> = {}) {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => {
    const result = {} as Record<K, string>;
    for (const key of keys) result[key] = params.get(key) ?? defaults[key] ?? '';
    return result;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);
  const update = useCallback((changes: Partial<Record<K | 'page', string | number | null>>, options: { keepPage?: boolean } = {}) => {
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === undefined || value === '' || value === defaults[key as K]) next.delete(key);
        else next.set(key, String(value));
      }
      if (!options.keepPage && !('page' in changes)) next.delete('page');
      return next;
    }, { replace: true });
  }, [setParams, defaults]);
  const reset = useCallback(() => setParams(new URLSearchParams(), { replace: true }), [setParams]);
  /** Props for a sortable table bound to the `sort` and `order` parameters. */
  const sorting = useMemo(() => {
    const current = values as Record<string, string>;
    return {
      sort: current.sort,
      order: current.order === 'desc' ? 'desc' as const : 'asc' as const,
      onSort: (sort: string, order: 'asc' | 'desc') => update({ sort, order } as Partial<Record<K | 'page', string>>),
    };
  }, [values, update]);
  /** Moves to another page, keeping the filters. */
  const showPage = useCallback((page: number) => update({ page } as Partial<Record<K | 'page', number>>, { keepPage: true }), [update]);
  return { values, update, reset, sorting, showPage };
}
