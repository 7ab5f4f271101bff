/** CSV import: pick a file, check it (dry run) to see the per-row report, then import all of it. */
import { useId, useState } from 'react';
import type { ImportReport } from '../../../features/students/student.schemas';
import { Badge } from '../../components/Badge';
import { Dialog } from '../../components/Dialog';
import { FormAlert } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useImportStudents } from './students.api';

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const inputId = useId();
  const importStudents = useImportStudents();
  const [csv, setCsv] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [alert, setAlert] = useState<string | null>(null);

  function run(dryRun: boolean) {
    if (csv === null) return;
    setAlert(null);
    importStudents.mutate({ csv, dryRun }, {
      onSuccess: (result) => {
        setReport(result);
        if (result.imported) {
          toast.success(t('students.import_done', { count: result.created }));
          onClose();
        } else if (result.rejected.length > 0 && !dryRun) setAlert(t('students.import_blocked'));
      },
      onError: (error) => setAlert(describeError(error, t)),
    });
  }

  const rows = report ? [...new Set([...report.students.map((s) => s.row), ...report.rejected.map((r) => r.row)])].sort((a, b) => a - b) : [];

  return (
    <Dialog
      title={t('students.import_title')}
      onClose={onClose}
      size="large"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.close')}</button>
          <button type="button" className="btn" disabled={csv === null || importStudents.isPending} onClick={() => run(true)}>{t('students.import_check')}</button>
          <button type="button" className="btn btn-primary" disabled={csv === null || importStudents.isPending || (report !== null && report.rejected.length > 0)} onClick={() => run(false)}>{t('students.import_run')}</button>
        </>
      )}
    >
      <div className="form">
        <p className="field-hint">{t('students.import_help')}</p>
        <div className="field">
          <label htmlFor={inputId}>{t('students.import_file')}</label>
          <input
            id={inputId}
            type="file"
            accept=".csv,text/csv"
            onChange={async (event) => {
              const file = event.target.files?.[0];
              setReport(null);
              setCsv(file ? await file.text() : null);
            }}
          />
        </div>
        <FormAlert message={alert} />
        {report && (
          <>
            <p className="notice" role="status">{t('students.import_summary', { created: report.valid_rows, rejected: new Set(report.rejected.map((r) => r.row)).size })}</p>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{t('students.import_result')}</caption>
                <thead><tr><th scope="col">{t('students.import_row')}</th><th scope="col">{t('students.import_result')}</th><th scope="col">{t('common.description')}</th></tr></thead>
                <tbody>
                  {rows.map((row) => {
                    const rejections = report.rejected.filter((r) => r.row === row);
                    return (
                      <tr key={row}>
                        <td>{row}</td>
                        <td>{rejections.length > 0 ? <Badge tone="danger">{t('students.import_rejected')}</Badge> : <Badge tone="success">{report.imported ? t('students.import_created') : t('students.import_valid')}</Badge>}</td>
                        <td>{rejections.map((r) => `${r.field ? `${r.field}${t('common.colon')}` : ''}${r.message}`).join(t('common.list_separator')) || report.students.find((s) => s.row === row)?.student_number}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}
