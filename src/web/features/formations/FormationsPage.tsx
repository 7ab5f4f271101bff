import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { Formation } from '../../../features/formations/formation.schemas';
import { Badge } from '../../components/Badge';
import { type Column, DataTable, PagedList } from '../../components/DataTable';
import { DeleteDialog } from '../../components/Dialog';
import { SelectField } from '../../components/Field';
import { ActiveFilter, FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { SearchInput } from '../../components/SearchInput';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { useUrlState } from '../../lib/url-state';
import { useCanWrite } from '../auth/permissions';
import { useProgramOptions } from '../programs/programs.api';
import { formatDuration } from './duration';
import { useDeleteFormation, useFormations } from './formations.api';

const KEYS = ['q', 'program_id', 'category', 'is_active', 'sort', 'order', 'page'] as const;

export function FormationsPage() {
  const { t } = useI18n();
  const format = useFormat();
  const canWrite = useCanWrite();
  const { values, update, reset, sorting, showPage } = useUrlState(KEYS, { sort: 'name', order: 'asc', page: '1' });
  const formations = useFormations({ ...values, page_size: '25' });
  const programs = useProgramOptions();
  const remove = useDeleteFormation();
  const [deleting, setDeleting] = useState<Formation | null>(null);

  const columns: Column<Formation>[] = [
    { key: 'code', header: t('common.code'), sortKey: 'code', render: (formation) => <span className="nowrap">{formation.code}</span> },
    {
      key: 'name', header: t('common.name'), sortKey: 'name',
      render: (formation) => <><Link to={`/dashboard/formations/${formation.id}`}>{formation.name}</Link>{formation.subtitle && <span className="cell-sub">{formation.subtitle}</span>}</>,
    },
    { key: 'program', header: t('formations.program'), render: (formation) => formation.program_name ?? <span className="muted">{t('formations.no_program')}</span> },
    { key: 'category', header: t('common.category'), sortKey: 'category', render: (formation) => formation.category ?? '—' },
    { key: 'duration', header: t('formations.duration'), render: (formation) => formatDuration(formation, t, format) },
    { key: 'price', header: t('formations.price'), sortKey: 'price', align: 'end', render: (formation) => <span className="nowrap">{format.money(formation.price, formation.currency)}</span> },
    { key: 'sessions', header: t('formations.sessions'), align: 'end', render: (formation) => formation.session_count },
    {
      key: 'status', header: t('common.status'),
      render: (formation) => (
        <span className="nowrap">
          <Badge tone={formation.is_active ? 'success' : 'neutral'}>{formation.is_active ? t('common.active') : t('common.inactive')}</Badge>
          {formation.eligible_cpf && <> <Badge tone="accent">{t('formations.cpf')}</Badge></>}
        </span>
      ),
    },
  ];
  if (canWrite) {
    columns.push({
      key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end',
      render: (formation) => (
        <div className="row-actions">
          <Link className="btn btn-small" to={`/dashboard/formations/${formation.id}/edit`} aria-label={`${t('common.edit')} ${formation.name}`}>{t('common.edit')}</Link>
          <button type="button" className="btn btn-small" aria-label={`${t('common.delete')} ${formation.name}`} onClick={() => setDeleting(formation)}>{t('common.delete')}</button>
        </div>
      ),
    });
  }

  return (
    <>
      <PageHeader title={t('formations.title')} actions={canWrite && <Link className="btn btn-primary" to="/dashboard/formations/new">+ {t('formations.new')}</Link>} />
      <FilterBar label={t('common.filters')} onReset={reset} active={Boolean(values.q || values.program_id || values.category || values.is_active)}>
        <SearchInput label={t('formations.search')} value={values.q} onChange={(q) => update({ q })} />
        <SelectField label={t('formations.program')} value={values.program_id} onChange={(event) => update({ program_id: event.target.value })}>
          <option value="">{t('common.all')}</option>
          <option value="none">{t('formations.no_program')}</option>
          {(programs.data ?? []).map((program) => <option key={program.id} value={program.id}>{program.name}</option>)}
        </SelectField>
        <SearchInput label={t('common.category')} value={values.category} onChange={(category) => update({ category })} />
        <ActiveFilter value={values.is_active} onChange={(is_active) => update({ is_active })} />
      </FilterBar>
      <PagedList query={formations} onPage={showPage}>{(rows) => (
        <DataTable
          caption={t('formations.title')}
          columns={columns}
          rows={rows}
          rowKey={(formation) => formation.id}
          {...sorting}
          empty={t('formations.empty')}
        />
      )}</PagedList>
      {deleting && (
        <DeleteDialog
          title={t('formations.delete_title')}
          body={t('formations.delete_body', { name: deleting.name })}
          pending={remove.isPending}
          onClose={() => setDeleting(null)}
          onDeleted={() => setDeleting(null)}
          onDelete={(outcome) => remove.mutate(deleting.id, outcome)}
        />
      )}
    </>
  );
}
