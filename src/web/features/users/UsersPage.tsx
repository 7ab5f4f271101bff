import { type FormEvent, useState } from 'react';
import { type StaffUser, USER_ROLES, createUserBody, updateUserBody } from '../../../features/users/user.schemas';
import { Badge } from '../../components/Badge';
import { type Column, DataTable, PagedList } from '../../components/DataTable';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { FormAlert, SelectField, TextField } from '../../components/Field';
import { ActiveFilter, FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { SearchInput } from '../../components/SearchInput';
import { useToast } from '../../components/Toast';
import { ApiError, type FieldErrors } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useUrlState } from '../../lib/url-state';
import { validateWith } from '../../lib/validation';
import { useCurrentUser } from '../auth/auth.api';
import { useCreateUser, useUpdateUser, useUsers } from './users.api';

const KEYS = ['q', 'role', 'is_active', 'sort', 'order', 'page'] as const;

export function UsersPage() {
  const { t } = useI18n();
  const toast = useToast();
  const me = useCurrentUser().data;
  const { values, update, reset, sorting, showPage } = useUrlState(KEYS, { sort: 'email', order: 'asc', page: '1' });
  const users = useUsers({ ...values, page_size: '25' });
  const updateUser = useUpdateUser();
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null);
  const [deactivating, setDeactivating] = useState<StaffUser | null>(null);

  const columns: Column<StaffUser>[] = [
    { key: 'full_name', header: t('users.full_name'), sortKey: 'full_name', render: (user) => <>{user.full_name ?? '—'}{user.id === me?.user.id && <span className="muted"> ({t('users.you')})</span>}</> },
    { key: 'email', header: t('users.email'), sortKey: 'email', render: (user) => user.email },
    { key: 'role', header: t('users.role'), sortKey: 'role', render: (user) => <Badge tone={user.role === 'admin' ? 'accent' : 'neutral'}>{t(`role.${user.role}`)}</Badge> },
    { key: 'status', header: t('common.status'), render: (user) => <Badge tone={user.is_active ? 'success' : 'neutral'}>{user.is_active ? t('common.active') : t('common.inactive')}</Badge> },
    {
      key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end',
      render: (user) => user.id === me?.user.id ? null : (
        <div className="row-actions">
          <button type="button" className="btn btn-small" aria-label={`${t('common.edit')} ${user.email}`} onClick={() => setEditing(user)}>{t('common.edit')}</button>
          {user.is_active
            ? <button type="button" className="btn btn-small" aria-label={`${t('users.deactivate')} ${user.email}`} onClick={() => setDeactivating(user)}>{t('users.deactivate')}</button>
            : <button type="button" className="btn btn-small" aria-label={`${t('users.reactivate')} ${user.email}`} onClick={() => updateUser.mutate({ id: user.id, values: { is_active: true } }, { onError: (error) => toast.error(describeError(error, t)) })}>{t('users.reactivate')}</button>}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('users.title')} actions={<button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>+ {t('users.new')}</button>} />
      <FilterBar label={t('common.filters')} onReset={reset} active={Boolean(values.q || values.role || values.is_active)}>
        <SearchInput label={t('common.search')} value={values.q} onChange={(q) => update({ q })} />
        <SelectField label={t('users.role')} value={values.role} onChange={(event) => update({ role: event.target.value })}>
          <option value="">{t('common.all')}</option>
          {USER_ROLES.map((role) => <option key={role} value={role}>{t(`role.${role}`)}</option>)}
        </SelectField>
        <ActiveFilter value={values.is_active} onChange={(is_active) => update({ is_active })} />
      </FilterBar>
      <PagedList query={users} onPage={showPage}>{(rows) => (
        <DataTable caption={t('users.title')} columns={columns} rows={rows} rowKey={(user) => user.id} {...sorting} empty={t('users.empty')} />
      )}</PagedList>
      {editing && <UserFormDialog user={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      {deactivating && (
        <ConfirmDialog
          title={t('users.deactivate_title')}
          body={t('users.deactivate_body', { name: deactivating.full_name ?? deactivating.email })}
          confirmLabel={t('users.deactivate')}
          pending={updateUser.isPending}
          onClose={() => setDeactivating(null)}
          onConfirm={() => updateUser.mutate({ id: deactivating.id, values: { is_active: false } }, {
            onSuccess: () => setDeactivating(null),
            onError: (error) => {
              toast.error(describeError(error, t));
              setDeactivating(null);
            },
          })}
        />
      )}
    </>
  );
}

function UserFormDialog({ user, onClose }: { user?: StaffUser; onClose: () => void }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const create = useCreateUser();
  const updateUser = useUpdateUser();
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [temporary, setTemporary] = useState<{ email: string; password: string } | null>(null);
  const formId = 'user-form';
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 400) setFields(error.fields);
    else if (error instanceof ApiError && error.code === 'DUPLICATE') setFields({ email: t('error.duplicate') });
    else setAlert(describeError(error, t));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    setAlert(null);
    if (user) {
      const checked = validateWith(updateUserBody, { full_name: text('full_name'), role: text('role') }, language);
      if (!checked.ok) return setFields(checked.fields);
      setFields({});
      updateUser.mutate({ id: user.id, values: checked.data }, {
        onSuccess: () => {
          toast.success(t('common.saved'));
          onClose();
        },
        onError,
      });
      return;
    }
    const checked = validateWith(createUserBody, { email: text('email'), full_name: text('full_name'), role: text('role'), password: text('password') || undefined }, language);
    if (!checked.ok) return setFields(checked.fields);
    setFields({});
    create.mutate(checked.data, {
      onSuccess: (created) => {
        toast.success(t('common.created'));
        if (created.temporary_password) setTemporary({ email: created.email, password: created.temporary_password });
        else onClose();
      },
      onError,
    });
  }

  return (
    <Dialog
      title={user ? t('users.edit') : t('users.new')}
      onClose={onClose}
      footer={temporary ? <button type="button" className="btn btn-primary" onClick={onClose}>{t('common.close')}</button> : (
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={create.isPending || updateUser.isPending}>{t('common.save')}</button>
        </>
      )}
    >
      {temporary ? <p className="notice" role="status">{t('users.temporary_password', temporary)}</p> : (
        <form id={formId} className="form" onSubmit={submit} noValidate>
          <FormAlert message={alert} />
          {!user && <TextField label={t('users.email')} name="email" type="email" required error={fields.email} autoFocus />}
          <TextField label={t('users.full_name')} name="full_name" defaultValue={user?.full_name ?? ''} error={fields.full_name} />
          <SelectField label={t('users.role')} name="role" required defaultValue={user?.role ?? 'teacher'} error={fields.role}>
            {USER_ROLES.map((role) => <option key={role} value={role}>{t(`role.${role}`)}</option>)}
          </SelectField>
          {!user && <TextField label={t('users.password')} name="password" type="password" autoComplete="new-password" hint={t('users.password_hint')} error={fields.password} />}
        </form>
      )}
    </Dialog>
  );
}
