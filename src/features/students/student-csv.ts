/**
 * Reading a spreadsheet export of learners: `;` or `,` separators (French Excel uses `;`), an
 * optional UTF-8 BOM, headers in French or English, dates as YYYY-MM-DD or DD/MM/YYYY.
 * Parsing only: validation of the values is the service's job, with the API's own schemas.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../../shared/errors';

export const MAX_IMPORT_ROWS = 5000;

export const IMPORT_FIELDS = ['student_number', 'first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'employer', 'status', 'notes'] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

export type CsvStudentRow = { row: number; values: Partial<Record<ImportField, string>> };

export type ParsedStudentCsv = {
  rows: CsvStudentRow[];
  /** Rows whose number of cells differs from the header's. */
  malformed: Array<{ row: number; cells: number }>;
  ignoredColumns: string[];
};

const HEADER_ALIASES: Record<string, ImportField> = {
  student_number: 'student_number', numero: 'student_number', numero_etudiant: 'student_number',
  numero_stagiaire: 'student_number', matricule: 'student_number', number: 'student_number',
  first_name: 'first_name', firstname: 'first_name', prenom: 'first_name',
  last_name: 'last_name', lastname: 'last_name', nom: 'last_name', nom_de_famille: 'last_name', surname: 'last_name',
  email: 'email', e_mail: 'email', courriel: 'email', mail: 'email', adresse_email: 'email',
  phone: 'phone', telephone: 'phone', tel: 'phone', portable: 'phone', mobile: 'phone',
  date_of_birth: 'date_of_birth', birth_date: 'date_of_birth', date_naissance: 'date_of_birth',
  date_de_naissance: 'date_of_birth', naissance: 'date_of_birth',
  employer: 'employer', employeur: 'employer', entreprise: 'employer', company: 'employer', societe: 'employer',
  status: 'status', statut: 'status',
  notes: 'notes', note: 'notes', remarques: 'notes', commentaire: 'notes', commentaires: 'notes',
};

/** "Prénom", " E-mail " and "date de naissance" become prenom, e_mail and date_de_naissance. */
export function normalizeHeader(header: string): string {
  return header.normalize('NFD').replace(/\p{Diacritic}/gu, '').trim().toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** The separator the header line uses most: `;` or `,`. */
function detectDelimiter(text: string): ';' | ',' {
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const count = (char: string) => headerLine.split(char).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** 31/12/1990 → 1990-12-31; anything else is left for the schema to judge. */
export function normalizeDate(value: string): string {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (!match) return value;
  const [, day, month, year] = match;
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

export function parseStudentCsv(text: string): ParsedStudentCsv {
  const withoutBom = text.replace(/^\uFEFF/, '');
  if (withoutBom.trim() === '') throw new AppError('INVALID_CSV', 'the file is empty: expected a header line and one line per learner');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(withoutBom, {
      delimiter: detectDelimiter(withoutBom),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      to: MAX_IMPORT_ROWS + 2,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    if (error instanceof CsvError) {
      throw new AppError('INVALID_CSV', `the file is not valid CSV: ${error.message}`, { reason: error.code });
    }
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new AppError('INVALID_CSV', 'the file is empty: expected a header line and one line per learner');
  if (data.length > MAX_IMPORT_ROWS) {
    throw new AppError('INVALID_CSV', `too many rows: at most ${MAX_IMPORT_ROWS} learners per import; split the file`, { max_rows: MAX_IMPORT_ROWS });
  }

  const columns: Array<ImportField | undefined> = [];
  const ignoredColumns: string[] = [];
  for (const name of header.record) {
    const field = HEADER_ALIASES[normalizeHeader(name)];
    if (field && columns.includes(field)) {
      throw new AppError('INVALID_CSV', `two columns give the same field: ${field}`, { column: name });
    }
    if (!field && name !== '') ignoredColumns.push(name);
    columns.push(field);
  }
  const missing = (['first_name', 'last_name'] as const).filter((field) => !columns.includes(field));
  if (missing.length > 0) {
    throw new AppError('INVALID_CSV', `missing column(s): ${missing.join(', ')} (e.g. prenom;nom or first_name,last_name)`, {
      missing,
      found: header.record,
    });
  }

  const rows: CsvStudentRow[] = [];
  const malformed: ParsedStudentCsv['malformed'] = [];
  for (const { record, info } of data) {
    const extraCellsAreEmpty = record.slice(columns.length).every((cell) => cell === '');
    if (record.length < columns.length || !extraCellsAreEmpty) {
      malformed.push({ row: info.lines, cells: record.length });
      continue;
    }
    const values: CsvStudentRow['values'] = {};
    record.forEach((cell, index) => {
      const field = columns[index];
      if (!field || cell === '') return;
      values[field] = field === 'date_of_birth' ? normalizeDate(cell) : cell;
    });
    rows.push({ row: info.lines, values });
  }
  return { rows, malformed, ignoredColumns };
}
