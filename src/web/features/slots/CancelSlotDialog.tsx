/** Cancels a slot, with the reason; a slot with attendance marks is refused (409) and stays open to say why. */
import { type FormEvent, useState } from 'react';
import { type Slot, updateSlotBody } from '../../../features/sessions/slot.schemas';
import { FormDialog } from '../../components/Dialog';
import { TextAreaField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { ApiError } from '../../lib/api';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { slotHours } from '../../lib/slots';
import { textOrNull, useFormErrors } from '../../lib/validation';
import { describeSlotRefusal } from './slot-errors';
import { useSaveSlot } from './slots.api';

export function CancelSlotDialog({ sessionId, slot, onClose }: { sessionId: string; slot: Slot; onClose: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const toast = useToast();
  const save = useSaveSlot(sessionId);
  const { fields, alert, check, showError } = useFormErrors();
  const [refusal, setRefusal] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRefusal(null);
    const reason = String(new FormData(event.currentTarget).get('cancellation_reason') ?? '');
    const checked = check(updateSlotBody, { status: 'cancelled', cancellation_reason: textOrNull(reason) });
    if (!checked) return;
    save.mutate({ id: slot.id, values: checked }, {
      onSuccess: () => {
        toast.success(t('slots.cancelled'));
        onClose();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409) setRefusal(describeSlotRefusal(error, t, format));
        else showError(error);
      },
    });
  }

  return (
    <FormDialog title={t('slots.cancel_title')} onClose={onClose} size="small" onSubmit={submit} pending={save.isPending} alert={refusal ?? alert}>
      <p>{t('slots.cancel_body', { date: format.date(slot.date, 'long'), hours: slotHours(t, slot) })}</p>
      <TextAreaField label={t('slots.cancellation_reason')} name="cancellation_reason" error={fields.cancellation_reason} />
    </FormDialog>
  );
}
