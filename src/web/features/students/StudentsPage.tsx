import { useState } from 'react';
import { STUDENT_STATUSES, type Student } from '../../../features/students/student.schemas';
import { Badge } from '../../components/Badge';
import { type Column, DataTable, PagedList } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField } from '../../components/Field';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { SearchInput } from '../../components/SearchInput';
import { useToast } from '../../components/Toast';
import { ApiError } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useUrlState } from '../../lib/url-state';
import { useCanWrite } from '../auth/permissions';
import { ImportDialog } from './ImportDialog';
import { StudentFormDialog } from './StudentFormDialog';
import { useDeleteStudent, useStudents } from './students.api';

const KEYS = ['q', 'status', 'sort', 'order', 'page'] as const;

export function StudentsPage() {
  const { t } = useI18n();
  const canWrite = useCanWrite();
  const { values, update, reset, sorting, showPage } = useUrlState(KEYS, { sort: 'last_name', order: 'asc', page: '1' });
  const students = useStudents({ ...values, page_size: '25' });
  const [editing, setEditing] = useState<Student | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<Student | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const remove = useDeleteStudent();
  const toast = useToast();
  const nameOf = (student: Student) => [student.first_name, student.last_name].filter(Boolean).join(' ');

  function closeDelete() {
    setDeleting(null);
    setDeleteError(null);
  }

  const columns: Column<Student>[] = [
    { key: 'number', header: t('students.number'), sortKey: 'student_number', render: (student) => <span className="nowrap">{student.student_number ?? '—'}</span> },
    { key: 'last_name', header: t('common.name'), sortKey: 'last_name', render: (student) => <strong>{student.last_name} {student.first_name}</strong> },
    { key: 'email', header: t('students.email'), sortKey: 'email', render: (student) => student.email ?? '—' },
    { key: 'phone', header: t('students.phone'), render: (student) => <span className="nowrap">{student.phone ?? '—'}</span> },
    { key: 'employer', header: t('students.employer'), render: (student) => student.employer ?? '—' },
    { key: 'status', header: t('common.status'), sortKey: 'status', render: (student) => <Badge tone={student.status === 'active' ? 'success' : student.status === 'suspended' ? 'danger' : 'neutral'}>{t(`students.status.${student.status}`)}</Badge> },
  ];
  if (canWrite) {
    columns.push({
      key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end',
      render: (student) => (
        <div className="row-actions">
          <button type="button" className="btn btn-small" aria-label={`${t('common.edit')} ${student.first_name} ${student.last_name}`} onClick={() => setEditing(student)}>{t('common.edit')}</button>
          <button type="button" className="btn btn-small" aria-label={t('students.delete_label', { name: nameOf(student) })} onClick={() => setDeleting(student)}>{t('common.delete')}</button>
        </div>
      ),
    });
  }

  return (
    <>
      <PageHeader
        title={t('students.title')}
        actions={canWrite && (
          <>
            <button type="button" className="btn" onClick={() => setImporting(true)}>{t('students.import')}</button>
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>+ {t('students.new')}</button>
          </>
        )}
      />
      <FilterBar label={t('common.filters')} onReset={reset} active={Boolean(values.q || values.status)}>
        <SearchInput label={t('students.search')} value={values.q} onChange={(q) => update({ q })} />
        <SelectField label={t('common.status')} value={values.status} onChange={(event) => update({ status: event.target.value })}>
          <option value="">{t('common.all')}</option>
          {STUDENT_STATUSES.map((status) => <option key={status} value={status}>{t(`students.status.${status}`)}</option>)}
        </SelectField>
      </FilterBar>
      <PagedList query={students} onPage={showPage}>{(rows) => (
        <DataTable
          caption={t('students.title')}
          columns={columns}
          rows={rows}
          rowKey={(student) => student.id}
          {...sorting}
          empty={t('students.empty')}
        />
      )}</PagedList>
      {editing && <StudentFormDialog student={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
      {deleting && (
        <ConfirmDialog
          title={t('students.delete_title')}
          body={t('students.delete_body', { name: nameOf(deleting) })}
          confirmLabel={t('common.delete')}
          pending={remove.isPending}
          error={deleteError}
          onClose={closeDelete}
          onConfirm={() => remove.mutate(deleting.id, {
            onSuccess: () => {
              toast.success(t('common.deleted'));
              closeDelete();
            },
            onError: (error) => setDeleteError(error instanceof ApiError && error.code === 'HAS_DEPENDENTS'
              ? `${describeError(error, t)} ${t('students.delete_keep')}`
              : describeError(error, t)),
          })}
        />
      )}
    </>
  );
}
