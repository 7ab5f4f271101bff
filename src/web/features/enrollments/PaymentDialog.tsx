/** The payment of one enrollment: its status, the amount due and the amount paid. */
import type { FormEvent } from 'react';
import type { z } from 'zod';
import { PAYMENT_STATUSES, type rosterEntry, updateEnrollmentBody } from '../../../features/enrollments/enrollment.schemas';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useI18n } from '../../lib/i18n';
import { textOrNull, useFormErrors } from '../../lib/validation';
import { useUpdatePayment } from './enrollments.api';

type RosterEntry = z.infer<typeof rosterEntry>;

const paymentBody = updateEnrollmentBody.pick({ payment_status: true, amount_due: true, amount_paid: true });

export function PaymentDialog({ entry, sessionId, onClose }: { entry: RosterEntry; sessionId: string; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const save = useUpdatePayment(sessionId);
  const { fields, alert, check, showError } = useFormErrors();
  const name = `${entry.student.first_name} ${entry.student.last_name}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amountPaid = String(form.get('amount_paid') ?? '').trim();
    const values = check(paymentBody, {
      payment_status: String(form.get('payment_status') ?? ''),
      amount_due: textOrNull(String(form.get('amount_due') ?? '')),
      amount_paid: amountPaid === '' ? undefined : amountPaid,
    });
    if (!values) return;
    save.mutate({ enrollmentId: entry.id, values }, {
      onSuccess: () => {
        toast.success(t('roster.payment_saved'));
        onClose();
      },
      onError: (error) => showError(error),
    });
  }

  return (
    <FormDialog title={t('roster.payment_title', { name })} onClose={onClose} onSubmit={submit} pending={save.isPending} alert={alert}>
      <div className="form-grid">
        <SelectField className="span-2" label={t('roster.payment')} name="payment_status" required defaultValue={entry.payment_status} error={fields.payment_status} autoFocus>
          {PAYMENT_STATUSES.map((status) => <option key={status} value={status}>{t(`payment.status.${status}`)}</option>)}
        </SelectField>
        <TextField label={t('roster.amount_due')} name="amount_due" inputMode="decimal" defaultValue={entry.amount_due ?? ''} error={fields.amount_due} />
        <TextField label={t('roster.amount_paid')} name="amount_paid" inputMode="decimal" defaultValue={entry.amount_paid} error={fields.amount_paid} />
      </div>
    </FormDialog>
  );
}
