/**
 * A readable, sortable table. Columns name their sort key when the API can sort by them;
 * clicking a header toggles asc/desc (aria-sort tells assistive technology).
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n';
import { QueryState } from './States';

export type Column<Row> = {
  key: string;
  header: ReactNode;
  /** Text used in the sort button's label. */
  headerText?: string;
  render: (row: Row) => ReactNode;
  sortKey?: string;
  align?: 'start' | 'end' | 'center';
  className?: string;
};

export function DataTable<Row>({ caption, columns, rows, rowKey, sort, order, onSort, empty }: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  sort?: string;
  order?: 'asc' | 'desc';
  onSort?: (sort: string, order: 'asc' | 'desc') => void;
  empty?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = column.sortKey !== undefined && column.sortKey === sort;
              return (
                <th
                  key={column.key}
                  scope="col"
                  className={`align-${column.align ?? 'start'} ${column.className ?? ''}`}
                  aria-sort={active ? (order === 'desc' ? 'descending' : 'ascending') : undefined}
                >
                  {column.sortKey && onSort ? (
                    <button
                      type="button"
                      className="sort-button"
                      aria-label={t('table.sort_by', { column: column.headerText ?? String(column.header) })}
                      onClick={() => onSort(column.sortKey!, active && order === 'asc' ? 'desc' : 'asc')}
                    >
                      {column.header}
                      <span aria-hidden="true" className="sort-indicator">{active ? (order === 'desc' ? '↓' : '↑') : '↕'}</span>
                    </button>
                  ) : column.header}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr><td colSpan={columns.length} className="table-empty">{empty ?? t('table.empty')}</td></tr>
          ) : rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.key} className={`align-${column.align ?? 'start'} ${column.className ?? ''}`}>{column.render(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pagination({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const { t } = useI18n();
  if (total === 0) return null;
  const last = Math.max(1, Math.ceil(total / pageSize));
  const from = (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav className="pagination" aria-label={t('pagination.label')}>
      <span>{t('pagination.summary', { from, to, total })}</span>
      <div className="pagination-buttons">
        <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label={t('pagination.previous')}>‹</button>
        <span aria-current="page">{page} / {last}</span>
        <button type="button" className="btn btn-small" disabled={page >= last} onClick={() => onPage(page + 1)} aria-label={t('pagination.next')}>›</button>
      </div>
    </nav>
  );
}

/** One page of a list as the API returns it. */
export type ListPage<Row> = { items: Row[]; page: number; page_size: number; total: number };

/** A paged list: the query's loading and error states, its rows (rendered by `children`), then the pages. */
export function PagedList<Row>({ query, onPage, children }: {
  query: UseQueryResult<ListPage<Row>>;
  onPage: (page: number) => void;
  children: (rows: Row[]) => ReactNode;
}) {
  return (
    <QueryState query={query} retry>{(list) => (
      <>
        {children(list.items)}
        <Pagination page={list.page} pageSize={list.page_size} total={list.total} onPage={onPage} />
      </>
    )}</QueryState>
  );
}
