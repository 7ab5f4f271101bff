import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { Program } from '../../../features/programs/program.schemas';
import { Badge } from '../../components/Badge';
import { type Column, DataTable, PagedList } from '../../components/DataTable';
import { DeleteDialog } from '../../components/Dialog';
import { ActiveFilter, FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { SearchInput } from '../../components/SearchInput';
import { useI18n } from '../../lib/i18n';
import { useUrlState } from '../../lib/url-state';
import { useCanWrite } from '../auth/permissions';
import { ProgramFormDialog } from './ProgramFormDialog';
import { useDeleteProgram, usePrograms } from './programs.api';

const KEYS = ['q', 'is_active', 'sort', 'order', 'page'] as const;

export function ProgramsPage() {
  const { t } = useI18n();
  const canWrite = useCanWrite();
  const { values, update, reset, sorting, showPage } = useUrlState(KEYS, { sort: 'name', order: 'asc', page: '1' });
  const programs = usePrograms({ ...values, page_size: '25' });
  const remove = useDeleteProgram();
  const [editing, setEditing] = useState<Program | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Program | null>(null);

  const columns: Column<Program>[] = [
    { key: 'code', header: t('common.code'), sortKey: 'code', render: (program) => <span className="nowrap">{program.code}</span> },
    {
      key: 'name', header: t('common.name'), sortKey: 'name',
      render: (program) => <><Link to={`/dashboard/programs/${program.id}`}>{program.name}</Link>{program.description && <span className="cell-sub">{program.description}</span>}</>,
    },
    { key: 'category', header: t('common.category'), render: (program) => program.category ?? '—' },
    { key: 'formations', header: t('programs.formation_count'), align: 'end', render: (program) => program.formation_count },
    { key: 'status', header: t('common.status'), render: (program) => <Badge tone={program.is_active ? 'success' : 'neutral'}>{program.is_active ? t('common.active') : t('common.inactive')}</Badge> },
  ];
  if (canWrite) {
    columns.push({
      key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end',
      render: (program) => (
        <div className="row-actions">
          <button type="button" className="btn btn-small" aria-label={`${t('common.edit')} ${program.name}`} onClick={() => setEditing(program)}>{t('common.edit')}</button>
          <button type="button" className="btn btn-small" aria-label={`${t('common.delete')} ${program.name}`} onClick={() => setDeleting(program)}>{t('common.delete')}</button>
        </div>
      ),
    });
  }

  return (
    <>
      <PageHeader
        title={t('programs.title')}
        actions={canWrite && <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>+ {t('programs.new')}</button>}
      />
      <FilterBar label={t('common.filters')} onReset={reset} active={Boolean(values.q || values.is_active)}>
        <SearchInput label={t('programs.search')} value={values.q} onChange={(q) => update({ q })} />
        <ActiveFilter value={values.is_active} onChange={(is_active) => update({ is_active })} />
      </FilterBar>
      <PagedList query={programs} onPage={showPage}>{(rows) => (
        <DataTable
          caption={t('programs.title')}
          columns={columns}
          rows={rows}
          rowKey={(program) => program.id}
          {...sorting}
          empty={t('programs.empty')}
        />
      )}</PagedList>
      {editing && <ProgramFormDialog program={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <DeleteDialog
          title={t('programs.delete_title')}
          body={t('programs.delete_body', { name: deleting.name })}
          pending={remove.isPending}
          onClose={() => setDeleting(null)}
          onDeleted={() => setDeleting(null)}
          onDelete={(outcome) => remove.mutate(deleting.id, outcome)}
        />
      )}
    </>
  );
}
