/**
 * @module
 * One error type and one catalogue of codes for the whole product (Fastify's habit). A code is
 * stable: tests, the audit log and the web pages refer to it, so a code is never renamed or
 * reused. The CLI maps the code's `exit` to its exit code: 1 usage, 2 data rejected by
 * validation, 3 any other failure. Expected data problems found row by row are not thrown one at
 * a time: they are collected as {@link DataIssue}s and thrown together as one
 * `LANTERN_DATA_REJECTED` error carrying them all.
 */

/** Exit codes of the `lantern` command. */
export const EXIT = { ok: 0, usage: 1, rejected: 2, failure: 3 } as const;

interface CatalogueEntry {
  readonly exit: number;
  readonly message: string;
}

/** Every error code Lantern raises, with its exit code and a default message. */
export const ERROR_CATALOGUE = {
  LANTERN_USAGE: { exit: EXIT.usage, message: "The command was not used correctly" },
  LANTERN_UNKNOWN_COMMAND: { exit: EXIT.usage, message: "There is no such command" },
  LANTERN_BAD_OPTION: { exit: EXIT.usage, message: "An option has a value Lantern cannot use" },
  LANTERN_PARAMETER_REPEATED: { exit: EXIT.usage, message: "A web address gives one of its parameters more than once" },
  LANTERN_NO_FILES: { exit: EXIT.usage, message: "No SSD files were found to import" },
  LANTERN_FILE_NOT_FOUND: { exit: EXIT.usage, message: "A file or folder named on the command line does not exist" },
  LANTERN_FILE_UNREADABLE: { exit: EXIT.rejected, message: "A file could not be read (permission, encoding, binary or broken workbook)" },
  LANTERN_FILE_TOO_LARGE: { exit: EXIT.rejected, message: "A compressed file (an Excel workbook) unpacks to more than Lantern reads" },
  LANTERN_DATA_REJECTED: { exit: EXIT.rejected, message: "The data was rejected by validation; nothing was loaded" },
  LANTERN_STORE_LOCKED: { exit: EXIT.failure, message: "The data store is in use by another Lantern process" },
  LANTERN_STORE_FAILED: { exit: EXIT.failure, message: "The data store could not complete the operation" },
  LANTERN_STORE_MISSING: { exit: EXIT.usage, message: "There is no Lantern store in that folder" },
  LANTERN_WRITE_FAILED: { exit: EXIT.failure, message: "An output file or folder could not be written (permission, disk full)" },
  LANTERN_PDF_UNAVAILABLE: { exit: EXIT.failure, message: "Chromium, which prints reports to PDF, is not available" },
  LANTERN_INTERNAL: { exit: EXIT.failure, message: "Lantern failed unexpectedly" },
  LANTERN_NOT_COMPUTED: { exit: EXIT.failure, message: "The data was stored, but its figures could not be computed" },
  LANTERN_AUTH_BAD_USERNAME: { exit: EXIT.usage, message: "A user name must be 2 to 64 letters, digits, dots, dashes, underscores or @" },
  LANTERN_AUTH_BAD_ROLE: { exit: EXIT.usage, message: "The role must be admin, analyst, manager or member" },
  LANTERN_AUTH_BAD_AREA: { exit: EXIT.usage, message: "An area is not one of the dashboard areas" },
  LANTERN_AUTH_WEAK_PASSWORD: { exit: EXIT.usage, message: "The password must be 12 to 256 characters, not only spaces, not one character repeated, not common and not the user name" },
  LANTERN_AUTH_USER_EXISTS: { exit: EXIT.usage, message: "A user with that name already exists" },
  LANTERN_AUTH_USER_NOT_FOUND: { exit: EXIT.usage, message: "There is no such user" },
  LANTERN_AUDIT_TAMPERED: { exit: EXIT.failure, message: "The audit log has been altered since it was written" },
  LANTERN_AUTH_OIDC_FAILED: { exit: EXIT.failure, message: "Single sign-on did not complete" },
  LANTERN_BACKUP_INVALID: { exit: EXIT.rejected, message: "The backup file is not a Lantern backup, or is incomplete or damaged; nothing was restored" },
  LANTERN_BACKUP_TOO_NEW: { exit: EXIT.rejected, message: "The backup was made by a newer Lantern than this one; nothing was restored" },
  LANTERN_STORE_NOT_EMPTY: { exit: EXIT.usage, message: "The store to restore or copy into already holds data" },
  LANTERN_STORE_COPY_DIFFERS: { exit: EXIT.failure, message: "The copied store does not match the original; the copy was rolled back" },
  LANTERN_TOO_LITTLE_DATA: { exit: EXIT.failure, message: "The data loaded is too short to do what was asked (a forecast needs 12 months in a row)" },
  LANTERN_NO_DATA: { exit: EXIT.failure, message: "No data has been loaded into the store yet" },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * The one refusal of a command that reads data from a store holding none (no snapshot loaded):
 * exit 3, as every such command gives it, with what to run first. `consequence` says what could
 * not be done ("so there are no figures to show"). A store that holds data, but not for the
 * authority asked for, is a different problem (a mistyped --authority, LANTERN_BAD_OPTION).
 */
export function noDataLoaded(command: string, consequence: string): LanternError {
  return new LanternError("LANTERN_NO_DATA", `No data has been loaded yet, ${consequence}.`, {
    hint: `Load data first with \`lantern import PATH --authority CODE\` (or \`lantern demo\` for a made-up authority), then run \`lantern ${command}\` again.`,
  });
}

/** A problem found in input data, located precisely enough for a person to fix it. */
/**
 * `i` with a long value, column or message cut short ("…, 60,123 characters in all"): a file of
 * one 60 MB line quoted in an issue made a refusal page of 180 MB, and a 200 MB one could not be
 * shown at all. Where to look is kept whole (file and row).
 */
export function clipIssue(i: DataIssue): DataIssue {
  const clip = (s: string | undefined, max: number) => (s === undefined || s.length <= max ? s : `${s.slice(0, max)}… (${s.length.toLocaleString("en-GB")} characters in all)`);
  if ((i.value?.length ?? 0) <= 200 && (i.column?.length ?? 0) <= 200 && i.message.length <= 2000 && (i.expected?.length ?? 0) <= 1000) return i;
  const out: { -readonly [K in keyof DataIssue]: DataIssue[K] } = { ...i, message: clip(i.message, 2000)! };
  for (const [k, max] of [["value", 200], ["column", 200], ["expected", 1000]] as const) {
    const v = clip(i[k], max);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface DataIssue {
  /** Stable code of the check, e.g. `SSD_DATE_INVALID`. */
  readonly code: string;
  readonly severity: "error" | "warning";
  /** The file's name as given (no folder), when the problem is in a file. */
  readonly file?: string;
  /** 1-based line number in the file (the header is line 1). */
  readonly row?: number;
  readonly column?: string;
  readonly value?: string;
  /** What was expected, in words. */
  readonly expected?: string;
  /** The whole message, already written for a person. */
  readonly message: string;
}

/** The one error type. */
export class LanternError extends Error {
  readonly code: ErrorCode;
  readonly exit: number;
  readonly issues: readonly DataIssue[];
  readonly hint: string | undefined;
  /**
   * How many errors and warnings were found, when more were counted than `issues` keeps (a load
   * lists its first few hundred); otherwise they are counted from `issues`.
   */
  readonly counts: { readonly errors: number; readonly warnings: number } | undefined;

  constructor(code: ErrorCode, message?: string, opts: { cause?: unknown; issues?: readonly DataIssue[]; hint?: string; counts?: { readonly errors: number; readonly warnings: number } } = {}) {
    super(message ?? ERROR_CATALOGUE[code].message, { cause: opts.cause });
    this.name = "LanternError";
    this.code = code;
    this.exit = ERROR_CATALOGUE[code].exit;
    this.issues = opts.issues ?? [];
    this.hint = opts.hint;
    this.counts = opts.counts;
  }

  /** The errors and warnings found: the counts given, or those of the issues kept. */
  get errorCount(): number {
    return this.counts?.errors ?? this.issues.filter((i) => i.severity === "error").length;
  }
  get warningCount(): number {
    return this.counts?.warnings ?? this.issues.filter((i) => i.severity === "warning").length;
  }
}

/** Type guard used instead of `instanceof` chains. */
export function isLanternError(e: unknown): e is LanternError {
  return e instanceof LanternError;
}

/**
 * What a refusal's advice asks to correct: "the rows listed" only when an error names a row, so a
 * refusal of whole files (a format Lantern does not read, a file of the wrong kind) does not point
 * at rows it never listed.
 */
export function listedToCorrect(issues: readonly DataIssue[]): string {
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.some((i) => i.row !== undefined)) return "the rows listed";
  return errors.some((i) => i.file) ? "the files listed" : "the problems listed";
}

/** One line describing where an issue is: `ssd_contacts.csv row 12, column cont_contact_date`. */
export function issueLocation(i: DataIssue): string {
  const parts: string[] = [];
  if (i.file) parts.push(i.file);
  if (i.row !== undefined) parts.push(`row ${i.row}`);
  if (i.column) parts.push(`column ${i.column}`);
  return parts.join(", ");
}

/** A full one-line rendering of an issue for a terminal or a log. */
export function formatIssue(i: DataIssue): string {
  const where = issueLocation(i);
  return `${i.severity === "error" ? "error" : "warning"} ${i.code}${where ? ` at ${where}` : ""}: ${i.message}`;
}
