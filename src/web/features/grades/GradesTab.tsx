/**
 * Grades: one assessment entered for every learner at once (subject, scale and weight shared,
 * a score and a comment per learner), then each learner's grades and weighted average.
 */
import { type FormEvent, useState } from 'react';
import { type SessionGrades, saveGradesBody } from '../../../features/grades/grade.schemas';
import { Badge } from '../../components/Badge';
import { ConfirmDialog } from '../../components/Dialog';
import { FormAlert, TextField } from '../../components/Field';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useToast } from '../../components/Toast';
import { ApiError, type FieldErrors } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { validateWith } from '../../lib/validation';
import { useCanMark } from '../auth/permissions';
import { useSessionContext } from '../sessions/SessionPage';
import { useDeleteGrade, useGrades, useSaveGrades } from './grades.api';

type SheetStudent = SessionGrades['students'][number];
type Grade = SheetStudent['grades'][number];

function studentName(student: SheetStudent): string {
  return [student.first_name, student.last_name].filter(Boolean).join(' ') || student.student_number || student.student_id;
}

export function GradesTab() {
  const { session } = useSessionContext();
  const { t } = useI18n();
  const format = useFormat();
  const toast = useToast();
  // A cancelled session's grades are read only (the API refuses new ones with 409).
  const cancelled = session.status === 'cancelled';
  const canMark = useCanMark() && !cancelled;
  const sheet = useGrades(session.id);
  const remove = useDeleteGrade(session.id);
  const [deleting, setDeleting] = useState<{ student: SheetStudent; grade: Grade } | null>(null);

  if (sheet.isPending) return <Loading />;
  if (sheet.isError) return <ErrorState error={sheet.error} onRetry={() => void sheet.refetch()} />;
  const students = sheet.data.students;
  const decimal = (value: string) => format.number(Number(value), 2);

  return (
    <>
      {cancelled && <p className="notice" role="note">{t('session.cancelled_read_only')}</p>}
      {canMark && students.length > 0 && <GradeEntryForm sessionId={session.id} students={students} />}
      <section className="card" aria-labelledby="grades-averages">
        <div className="card-header">
          <h2 id="grades-averages">{t('grades.averages')}</h2>
          {sheet.data.session_average !== null && <Badge tone="accent">{t('grades.average')}{t('common.colon')}{decimal(sheet.data.session_average)} / 20</Badge>}
        </div>
        {students.length === 0 ? <Empty>{t('attendance.no_students')}</Empty> : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('grades.averages')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('roster.student')}</th>
                  <th scope="col">{t('grades.title')}</th>
                  <th scope="col" className="align-end">{t('grades.average')}</th>
                </tr>
              </thead>
              <tbody>
                {students.map((student) => (
                  <tr key={student.student_id}>
                    <th scope="row" style={{ textAlign: 'left', fontWeight: 500 }}>{studentName(student)}</th>
                    <td>
                      {student.grades.length === 0 ? <span className="muted">{t('grades.no_grades')}</span> : student.grades.map((grade) => (
                        <span key={grade.id} className="grade-chip" title={grade.appreciation ?? undefined}>
                          {grade.subject}{t('common.colon')}<strong>{decimal(grade.score)}</strong>/{decimal(grade.max_score)}
                          {Number(grade.coefficient) !== 1 && <span className="muted"> ×{decimal(grade.coefficient)}</span>}
                          {canMark && (
                            <button type="button" className="btn btn-ghost btn-icon" style={{ fontSize: '0.9rem' }} aria-label={`${t('grades.delete')}${t('common.colon')}${grade.subject}, ${studentName(student)}`} onClick={() => setDeleting({ student, grade })}>×</button>
                          )}
                        </span>
                      ))}
                    </td>
                    <td className="align-end"><strong>{student.average === null ? '—' : `${decimal(student.average)} / 20`}</strong></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {deleting && (
        <ConfirmDialog
          title={t('grades.delete_title')}
          body={t('grades.delete_body', { subject: deleting.grade.subject, student: studentName(deleting.student) })}
          confirmLabel={t('common.delete')}
          pending={remove.isPending}
          onClose={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting.grade.id, {
            onSuccess: () => {
              toast.success(t('common.deleted'));
              setDeleting(null);
            },
            onError: (error) => {
              toast.error(describeError(error, t));
              setDeleting(null);
            },
          })}
        />
      )}
    </>
  );
}

function GradeEntryForm({ sessionId, students }: { sessionId: string; students: SheetStudent[] }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const save = useSaveGrades(sessionId);
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const shared = {
      subject: text('subject'),
      assessment_type: text('assessment_type'),
      max_score: text('max_score') || '20',
      coefficient: text('coefficient') || '1',
    };
    // Rows keep their index in `students`, so an error on grades.N.score lands on the right input.
    const rows = students.map((student) => ({ student, score: text(`score-${student.student_id}`), appreciation: text(`appreciation-${student.student_id}`) }));
    const filled = rows.filter((row) => row.score !== '');
    setAlert(null);
    if (filled.length === 0) {
      setFields({});
      setAlert(t('grades.nothing'));
      return;
    }
    const grades = filled.map((row) => ({ student_id: row.student.student_id, score: row.score, appreciation: row.appreciation, ...shared }));
    const checked = validateWith(saveGradesBody, { grades }, language);
    const mapFields = (raw: FieldErrors): FieldErrors => {
      const mapped: FieldErrors = {};
      for (const [field, message] of Object.entries(raw)) {
        const match = /^grades\.(\d+)\.(\w+)$/.exec(field);
        if (!match) {
          mapped[field] = message;
          continue;
        }
        const row = filled[Number(match[1])];
        const name = match[2]!;
        if (name === 'score' || name === 'appreciation') mapped[`${name}-${row?.student.student_id}`] = message;
        else mapped[name] ??= message;
      }
      return mapped;
    };
    if (!checked.ok) {
      setFields(mapFields(checked.fields));
      return;
    }
    setFields({});
    save.mutate(checked.data.grades, {
      onSuccess: () => {
        toast.success(t('grades.saved', { count: grades.length }));
        setFormKey((key) => key + 1);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) setFields(mapFields(error.fields));
        else setAlert(describeError(error, t));
      },
    });
  }

  return (
    <section className="card" aria-labelledby="grades-entry">
      <div className="card-header"><h2 id="grades-entry">{t('grades.new_batch')}</h2></div>
      <form key={formKey} className="form card-body" onSubmit={submit} noValidate>
        <FormAlert message={alert} />
        <div className="form-grid" style={{ gridTemplateColumns: '2fr 1.5fr 1fr 1fr' }}>
          <TextField label={t('grades.subject')} name="subject" required error={fields.subject} />
          <TextField label={t('grades.assessment_type')} name="assessment_type" error={fields.assessment_type} />
          <TextField label={t('grades.max_score')} name="max_score" inputMode="decimal" defaultValue="20" error={fields.max_score} />
          <TextField label={t('grades.coefficient')} name="coefficient" inputMode="decimal" defaultValue="1" error={fields.coefficient} />
        </div>
        <div className="table-wrap">
          <table className="table grades-entry">
            <caption className="visually-hidden">{t('grades.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('roster.student')}</th>
                <th scope="col">{t('grades.score')}</th>
                <th scope="col">{t('grades.appreciation')}</th>
              </tr>
            </thead>
            <tbody>
              {students.map((student) => {
                const name = studentName(student);
                const scoreError = fields[`score-${student.student_id}`];
                return (
                  <tr key={student.student_id}>
                    <th scope="row" style={{ textAlign: 'left', fontWeight: 500 }}>{name}</th>
                    <td>
                      <input className="inline-input" name={`score-${student.student_id}`} inputMode="decimal" aria-label={t('grades.score_for', { student: name })} aria-invalid={scoreError ? true : undefined} />
                      {scoreError && <p className="field-error" role="alert">{scoreError}</p>}
                    </td>
                    <td><input className="inline-input wide" name={`appreciation-${student.student_id}`} aria-label={t('grades.appreciation_for', { student: name })} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="row-actions">
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>{save.isPending ? t('common.saving') : t('grades.save_all')}</button>
        </div>
      </form>
    </section>
  );
}
