import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Formation } from '../../../features/formations/formation.schemas';
import { Badge } from '../../components/Badge';
import { type Column, DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, Loading, QueryState } from '../../components/States';
import { useToast } from '../../components/Toast';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { useCanWrite } from '../auth/permissions';
import { useFormationOptions, useFormations } from '../formations/formations.api';
import { ProgramFormDialog } from './ProgramFormDialog';
import { useLinkFormations, useProgram } from './programs.api';

export function ProgramPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const format = useFormat();
  const canWrite = useCanWrite();
  const program = useProgram(id);
  const formations = useFormations({ program_id: id, page_size: '200', sort: 'name' }, { enabled: program.isSuccess });
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);

  if (program.isPending) return <Loading />;
  if (program.isError) return <ErrorState error={program.error} onRetry={() => void program.refetch()} />;

  const columns: Column<Formation>[] = [
    { key: 'code', header: t('common.code'), render: (formation) => formation.code },
    { key: 'name', header: t('common.name'), render: (formation) => <Link to={`/dashboard/formations/${formation.id}`}>{formation.name}</Link> },
    { key: 'category', header: t('common.category'), render: (formation) => formation.category ?? '—' },
    { key: 'price', header: t('formations.price'), align: 'end', render: (formation) => format.money(formation.price, formation.currency) },
    { key: 'sessions', header: t('formations.sessions'), align: 'end', render: (formation) => formation.session_count },
    { key: 'status', header: t('common.status'), render: (formation) => <Badge tone={formation.is_active ? 'success' : 'neutral'}>{formation.is_active ? t('common.active') : t('common.inactive')}</Badge> },
  ];

  return (
    <>
      <PageHeader
        back={{ to: '/dashboard/programs', label: t('programs.title') }}
        title={program.data.name}
        subtitle={<>{program.data.code}{program.data.category ? ` · ${program.data.category}` : ''}</>}
        actions={canWrite && (
          <>
            <button type="button" className="btn" onClick={() => setEditing(true)}>{t('common.edit')}</button>
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>+ {t('programs.add_formations')}</button>
          </>
        )}
      />
      {program.data.description && <p className="card card-body">{program.data.description}</p>}
      <section className="card" aria-labelledby="program-formations">
        <div className="card-header"><h2 id="program-formations">{t('programs.formations')}</h2><Badge tone="accent">{program.data.formation_count}</Badge></div>
        <QueryState query={formations}>{(list) => (
          <DataTable caption={t('programs.formations')} columns={columns} rows={list.items} rowKey={(formation) => formation.id} empty={t('programs.no_formations')} />
        )}</QueryState>
      </section>
      {editing && <ProgramFormDialog program={program.data} onClose={() => setEditing(false)} />}
      {adding && <AddFormationsDialog programId={id} onClose={() => setAdding(false)} />}
    </>
  );
}

function AddFormationsDialog({ programId, onClose }: { programId: string; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const options = useFormationOptions();
  const link = useLinkFormations(programId);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const candidates = (options.data ?? []).filter((formation) => formation.program_id !== programId);

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  return (
    <Dialog
      title={t('programs.add_formations')}
      onClose={onClose}
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={selected.size === 0 || link.isPending}
            onClick={() => link.mutate([...selected], {
              onSuccess: (result) => {
                toast.success(t('programs.linked', { count: result.linked }));
                onClose();
              },
              onError: (error) => toast.error(describeError(error, t)),
            })}
          >
            {t('programs.add_selected', { count: selected.size })}
          </button>
        </>
      )}
    >
      {options.isPending ? <Loading /> : options.isError ? <ErrorState error={options.error} /> : candidates.length === 0 ? <Empty>{t('programs.no_candidates')}</Empty> : (
        <fieldset className="form-section" style={{ boxShadow: 'none' }}>
          <legend>{t('programs.pick_formations')}</legend>
          <ul className="checklist">
            {candidates.map((formation) => (
              <li key={formation.id}>
                <label>
                  <input type="checkbox" checked={selected.has(formation.id)} onChange={() => toggle(formation.id)} />
                  <span>
                    {formation.name} <span className="muted">({formation.code})</span>
                    <span className="cell-sub">{t('programs.current_program')} : {formation.program_name ?? t('formations.no_program')}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
    </Dialog>
  );
}
