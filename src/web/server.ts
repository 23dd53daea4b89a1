/**
 * @module
 * The web application: a Fastify server that renders every page on the server from the one
 * store it keeps open (DuckDB has a single writer, so uploads are loaded in-process through the
 * same import as the CLI). Strict security headers (a Content-Security-Policy with no inline
 * script or style, nothing from any other host), input limits on every route, role checks on
 * every route. Sign-in, sessions and CSRF are the auth plugin's (src/web/auth); until it is
 * registered, `authenticate` and `csrfToken` options stand in for it.
 */

import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { annotationHistory, MAX_NOTE, saveAnnotation } from "../analysis/annotations.ts";
import { type Period, type PeriodKind, parsePeriod } from "../calendar/periods.ts";
import { isLanternError, LanternError, listedToCorrect } from "../core/errors.ts";
import { makePrivateDir, privateWriteStream } from "../core/private-files.ts";
import { isSsdExport, loadFormats } from "../formats/load.ts";
import { importMeasures, isMeasuresFile } from "../ingest/measures-import.ts";
import { importSsd } from "../ingest/ssd-import.ts";
import { checkComputeSettings, computeAndStore, holidaysFor, storedValues } from "../kpi/compute.ts";
import { indicatorRecords, type Target } from "../kpi/engine.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import type { IndicatorDef } from "../kpi/types.ts";
import { ensureReferenceTables } from "../kpi/reference-tables.ts";
import { targetYear } from "../analysis/rag.ts";
import { audit } from "../store/audit.ts";
import type { Store } from "../store/port.ts";
import { listSnapshots } from "../store/snapshots.ts";
import { canSeeChildLevel, hasRole, type Role, type SessionUser, suppresses } from "./access.ts";
import { sendToSignIn } from "./auth/access.ts";
import { safeEqual } from "./auth/csrf.ts";
import { type AuthPluginOptions, authPlugin, cspDirectives } from "./auth/plugin.ts";
import { type Comment, MAX_COMMENT, saveComment, chosenPolarity, saveTarget, type TargetFormError, targetFormErrors, targetHistory, commentHistory } from "./edits.ts";
import { Gate, OneAtATime } from "./gate.ts";
import { withoutGovukFonts } from "./govuk-css.ts";
import { escapeHtml, type Html, html, raw } from "./html.ts";
import { type Here, page, savedBanner } from "./layout.ts";
import { uploadName } from "./upload-names.ts";
import { valuesCsv } from "./values-csv.ts";
import {
  annotationsOf,
  authorities,
  authorityLabel,
  choosePeriod,
  commentsFor,
  dashboard,
  goals,
  indicatorDetail,
  PAGE_KINDS,
  type PeriodRefusal,
  periodOptions,
  requestedAuthority,
  resolvePeriod,
  revisions,
  shownDigest,
  systemFlow,
  viewerHiding,
  type WebContext,
} from "./model.ts";
import { dashboardBody } from "./pages/dashboard.ts";
import { dataBody, forTheForm, loadedBody, REPLACE_LABEL, refusedBody, revisionsSection, snapshotBody, type StoredIssue, warningForTheForm } from "./pages/data.ts";
import { type AnnotationEntered, annotationsBody, targetsBody } from "./pages/edits.ts";
import { earlyWarningBody, flowBody } from "./pages/flow.ts";
import { type CommentForm, indicatorBody } from "./pages/indicator.ts";
import { recordsBody, recordsRefusal, recordsRefusedBody } from "./pages/records.ts";
import { REPORT_KINDS, reportsBody } from "./pages/reports.ts";
import { AUDIENCES, type Audience } from "../report/content.ts";
import { auditReport, calendarFor, type ReportDocument, type ReportJob, reportBytes, reportDocument, reportFileName, uncomputedForReport } from "../report/produce.ts";

/** Options for {@link buildServer}. */
export interface ServerOptions {
  readonly store: Store;
  readonly dataDir: string;
  /**
   * Sign-in: local accounts, sessions, CSRF and single sign-on (the auth plugin, src/web/auth).
   * `secureCookies` (default true) must be off only when the server is reached over plain http
   * on this machine.
   */
  readonly auth?: Omit<AuthPluginOptions, "store">;
  /**
   * A test seam: who is asking, in place of sign-in (page tests set the user per request). When
   * given, the auth plugin is not registered and `csrfToken` gives the forms' token.
   */
  readonly authenticate?: (request: FastifyRequest) => SessionUser | null;
  /** With `authenticate`: the CSRF token forms carry. */
  readonly csrfToken?: (request: FastifyRequest) => string;
  /** Largest upload accepted, in bytes (default 4 GiB). */
  readonly maxUploadBytes?: number;
  /** Fastify's logger (default off). */
  readonly logger?: boolean;
  /**
   * Addresses (or CIDR ranges) of the reverse proxies in front of the server, whose
   * X-Forwarded-For names the client: sign-in limits, and the address the audit log records, are
   * then the client's, not the proxy's (one client would otherwise lock everyone out). Nothing
   * else's X-Forwarded-For is believed. Default none.
   */
  readonly trustProxy?: readonly string[];
  /**
   * Where unexpected errors are written, one line each (default the process's stderr, whether or
   * not `logger` is on): the error id the 500 page shows, the method, the path and the stack.
   */
  readonly errorLog?: (line: string) => void;
  /**
   * How long a request's body may take to arrive (see {@link bodyDeadlineMs}): `baseMs` from the
   * request's start (default 30 s) plus its length at `bytesPerSecond` (default 256 KB/s). Tests
   * shorten it.
   */
  readonly bodyDeadline?: { readonly baseMs?: number; readonly bytesPerSecond?: number };
}

/**
 * The time a request's body of `bytes` may take to arrive: `baseMs`, plus the bytes at
 * `bytesPerSecond`. A client trickling a byte every few seconds (a slow-body attack: Fastify sets
 * no request timeout, and Node's is turned off by it) is answered 408 and cut off; nothing limits
 * how long Lantern takes once the body is in (a long import, a PDF rendered), so no socket
 * inactivity timeout is set.
 */
export function bodyDeadlineMs(bytes: number, o: { readonly baseMs: number; readonly bytesPerSecond: number }): number {
  return Math.ceil(o.baseMs + (1000 * bytes) / o.bytesPerSecond);
}

const ASSETS = join(import.meta.dirname, "assets");
const GOVUK_CSS = join(import.meta.dirname, "../../node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css");
const MAX_FILES = 100;
const MAX_FIELDS = 10;
/** The largest form (not an upload) accepted, in bytes. */
const FORM_LIMIT = 64 * 1024;
/** The largest body of any other request (JSON), in bytes. */
const BODY_LIMIT = 256 * 1024;

type Query = { la?: string; period?: string; part?: string };

/** How a page takes its authority and period (see `scope` in buildServer). */
interface ScopeOptions {
  /** The period kinds the page shows (default every kind but calendar years). */
  readonly kinds?: readonly PeriodKind[];
  /** What the page shows, for a refusal: "The dashboard", an indicator's title. */
  readonly subject?: string;
  /** For a form: what did not happen ("The comment was not saved."), heading the refusal. */
  readonly refused?: string;
  /** Where the refusal's "latest" link goes (default the page asked for). */
  readonly back?: string;
}

/** Rendered page bodies, kept as long as the cached figures they were made from. */
const dashboardPages = new WeakMap<object, Map<string, Buffer>>();
const indicatorBodies = new WeakMap<object, WeakMap<object, Map<string, string>>>();
/** Stands for the CSRF token in a cached body; cannot occur in escaped text. */
/** Encoded indicator pages, kept as long as the cached figures they were made from. */
const indicatorPages = new WeakMap<object, Map<string, Buffer>>();
const CSRF_SLOT = "\u0000csrf\u0000";
/** The banner after a comment is saved or changed, by the redirect's `?saved=`. */
const COMMENT_SAVED = {
  comment: "The comment was saved. It is a draft, seen only by staff, until it is published.",
  published: "The comment was published: members can now see it.",
  unpublished: "The comment was unpublished: it is a draft again, hidden from members.",
  deleted: "The comment was deleted.",
} as const;

/** The authority (and period) each request's page shows, once known: its navigation keeps them (layout.ts `navHref`). */
const heres = new WeakMap<FastifyRequest, Here>();

function sendPage(reply: FastifyReply, status: number, title: string, request: FastifyRequest, section: string, body: Html | string, scripts?: string[]): FastifyReply {
  const user = request.user ?? null;
  const here = heres.get(request);
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page({ title, user, section, body, ...(user ? { csrf: request.csrfToken() } : {}), ...(scripts ? { scripts } : {}), ...(here ? { here } : {}) }));
}

function problem(reply: FastifyReply, request: FastifyRequest, status: number, title: string, message: string): FastifyReply {
  return sendPage(reply, status, title, request, "", html`<h1 class="govuk-heading-l">${title}</h1><p class="govuk-body">${message}</p><p class="govuk-body"><a class="govuk-link" href="/">Go to the dashboard</a></p>`);
}

/**
 * The log line of an unexpected error: time, id, method, path (the query string can carry
 * anything, so it is left out) and the stack on one line. Quoted text in the message is blanked,
 * as database errors quote the values they failed on, which may be a child's details.
 */
export function errorLine(id: string, method: string, url: string, error: unknown): string {
  const path = url.split("?")[0]!.slice(0, 300);
  const e = error instanceof Error ? error : new Error(String(error));
  const head = `${e.name}${(e as { code?: unknown }).code ? ` [${String((e as { code?: unknown }).code)}]` : ""}: ${redactQuoted(e.message).slice(0, 300)}`;
  const frames = (e.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)).map((l) => l.trim());
  return `${new Date().toISOString()} lantern error ${id} ${method} ${path} ${JSON.stringify([head, ...frames].join("\n"))}`;
}

function redactQuoted(s: string): string {
  return s.replace(/'[^']*'|"[^"]*"/g, (q) => `${q[0]}…${q[0]}`).replaceAll(/[\r\n]+/g, " ");
}

/** An upload's CSRF token from the header `x-csrf-token`, else the address's `_csrf`; undefined when neither is given. */
export function uploadCsrf(request: FastifyRequest): unknown {
  const header = request.headers["x-csrf-token"];
  if (header !== undefined) return header;
  return (request.query as Record<string, unknown> | undefined)?.["_csrf"];
}

/**
 * The refusal of an address that gives a parameter more than once (`/?la=X001&la=X002`), or null
 * when each is given once. Every page reads one value of each parameter it takes, so which was
 * meant cannot be told: taking the first, or the list, showed another authority's page or a 404
 * saying "X001,X002" was not loaded. Checked for every route, those the auth plugin adds too.
 */
export function repeatedParameters(query: unknown): LanternError | null {
  if (query === null || typeof query !== "object") return null;
  const twice = Object.entries(query as Record<string, unknown>).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  if (!twice.length) return null;
  const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);
  const named = twice.slice(0, 5).map(([k, vs]) => `"${clip(k, 40)}" ${vs.length === 2 ? "twice" : `${vs.length} times`} (${vs.slice(0, 3).map((v) => `${clip(k, 40)}=${clip(String(v), 40)}`).join(", ")}${vs.length > 3 ? ", …" : ""})`);
  const list = named.length === 1 ? named[0]! : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
  return new LanternError("LANTERN_PARAMETER_REPEATED", `The address gives ${list}, so Lantern cannot tell which is meant, and the page was not shown.`, {
    hint: `Give each parameter once: change the address so that it has one ${twice.length === 1 ? `"${clip(twice[0]![0], 40)}=…"` : "of each"}, or go to the dashboard and choose the authority and period from its links and menus.`,
  });
}

/** Whether `sent` is the visitor's token, compared in constant time. */
function sameToken(sent: unknown, token: string): boolean {
  return typeof sent === "string" && sent.length <= 100 && safeEqual(sent, token);
}

/** The 413 message: which of the upload's limits was reached. */
function tooLarge(code: string | undefined, maxBytes: number): string {
  switch (code) {
    case "FST_FILES_LIMIT":
      return `The upload has more than ${MAX_FILES} files, the most this server accepts at once. Choose only the files of one export or one set of returns.`;
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return `The upload has more parts (files and form fields) than this server accepts: at most ${MAX_FILES} files and ${MAX_FIELDS} fields. Use the form on the Data page, with at most ${MAX_FILES} files.`;
    case "FST_REQ_FILE_TOO_LARGE":
      return `A file in the upload is larger than this server accepts (${Math.round(maxBytes / 1024 / 1024).toLocaleString("en-GB")} MB). Ask an administrator whether the limit can be raised.`;
    default:
      return "The request is larger than this server accepts.";
  }
}

/**
 * The 413 page of a form (not an upload) over {@link FORM_LIMIT}: what was typed never arrived, so
 * it cannot be shown again as a refused form is. It says the field's own limit in characters,
 * that the browser's Back button usually keeps the text, and links back to the form's page.
 * `route` is the route's pattern ("/indicators/:id/comments"), with its params and query; `limitBytes` the route's own
 * limit (sign-in and the users page take less than other forms).
 */
export function formTooLarge(route: string | undefined, params: unknown, query: unknown, limitBytes: number = FORM_LIMIT): { title: string; message: string; back: string; backText: string } {
  const p = (params ?? {}) as Record<string, unknown>;
  const q = (query ?? {}) as Record<string, unknown>;
  const limit = `a form can carry at most ${Math.floor(limitBytes / 1024)} KB`;
  const backButton = "Use your browser's Back button, which usually keeps what you typed, then";
  if (route?.startsWith("/indicators/:id/comments")) {
    const at = new URLSearchParams({ ...(typeof q["la"] === "string" ? { la: q["la"] } : {}), ...(typeof q["period"] === "string" ? { period: q["period"] } : {}) }).toString();
    const n = MAX_COMMENT.toLocaleString("en-GB");
    return {
      title: "The comment was too long to send",
      message: `Comments can be at most ${n} characters. Yours was too long for the server to receive at all (${limit}), so it was not saved and its text could not be kept to show again. ${backButton} shorten it to ${n} characters or fewer and save it again.`,
      back: `/indicators/${encodeURIComponent(String(p["id"] ?? ""))}${at ? `?${at}` : ""}#commentary`,
      backText: "Go back to the indicator page",
    };
  }
  if (route === "/annotations") {
    const n = MAX_NOTE.toLocaleString("en-GB");
    return {
      title: "The note was too long to send",
      message: `An annotation's note can be at most ${n} characters. Yours was too long for the server to receive at all (${limit}), so the annotation was not saved and its text could not be kept to show again. ${backButton} shorten the note to ${n} characters or fewer and save it again.`,
      back: "/annotations",
      backText: "Go back to the annotations page",
    };
  }
  const form = route !== undefined && ["/targets", "/reports", "/admin/users", "/sign-in"].includes(route);
  return {
    title: "The form was too long to send",
    message: `What you entered was too long for the server to receive (${limit}), so nothing in it was saved and it could not be kept to show again. ${backButton} shorten it and send it again.`,
    back: form ? route : "/",
    backText: form ? "Go back to the form" : "Go to the dashboard",
  };
}

/** Build the app; `listen` is the caller's. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: BODY_LIMIT, trustProxy: opts.trustProxy?.length ? [...opts.trustProxy] : false, routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true } });
  // Headers must all arrive within 60 s (Node's default, said here so no one turns it off).
  app.server.headersTimeout = 60_000;
  const maxUpload = opts.maxUploadBytes ?? 4 * 1024 ** 3;
  const deadline = { baseMs: opts.bodyDeadline?.baseMs ?? 30_000, bytesPerSecond: opts.bodyDeadline?.bytesPerSecond ?? 256 * 1024 };
  // A body must arrive by its deadline: from the request's start, the time its Content-Length
  // takes at the minimum rate (a chunked body, which has none, the time of the route's limit). The
  // clock stops when the body is in or a response is sent; when it runs out first the client is
  // answered 408, if nothing was sent yet, and its connection closed.
  app.addHook("onRequest", async (request, reply) => {
    const raw = request.raw;
    const declared = raw.headers["content-length"];
    const length = declared === undefined ? undefined : Number(declared);
    if (raw.complete || (raw.headers["transfer-encoding"] === undefined && !(length !== undefined && length > 0))) return;
    const bytes = length !== undefined && Number.isFinite(length) ? length : request.isMultipart() ? maxUpload : (request.routeOptions.bodyLimit ?? BODY_LIMIT);
    const timer = setTimeout(() => {
      const res = reply.raw;
      const cut = () => raw.socket?.destroy();
      if (res.headersSent || res.writableEnded) return cut();
      res.writeHead(408, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", connection: "close" });
      res.end("The request took too long to arrive, so it was not accepted. Check the connection and try again.\n", cut);
      setTimeout(cut, 1000).unref();
    }, bodyDeadlineMs(bytes, deadline));
    const stop = () => clearTimeout(timer);
    raw.once("end", stop);
    raw.once("close", stop);
    reply.raw.once("finish", stop);
    reply.raw.once("close", stop);
  });
  const ctx: WebContext = { store: opts.store, dataDir: opts.dataDir, gate: new Gate() };
  // Other instances (and the CLI) sharing a PostgreSQL store change figures too: their commits
  // drop this server's page caches as its own writes do.
  const unwatch = await opts.store.onChange(() => ctx.gate.changedElsewhere());
  app.addHook("onClose", async () => {
    await unwatch();
  });
  const lib = indicatorLibrary();

  const secure = !opts.authenticate && (opts.auth?.secureCookies ?? true);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(secure) },
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(formbody, { bodyLimit: FORM_LIMIT });
  // A NUL character is never text, and PostgreSQL cannot store one: a form or query string holding
  // one is refused whole (400), rather than failing in the store. Parsed forms are shallow (the
  // parser's objects have no Object prototype, so are not matched by it); binary data (an upload's
  // buffers) is never looked into.
  const holdsNul = (x: unknown, depth = 0): boolean => {
    if (typeof x === "string") return x.includes("\u0000");
    if (depth > 3 || x === null || typeof x !== "object" || ArrayBuffer.isView(x) || x instanceof ArrayBuffer) return false;
    return (Array.isArray(x) ? x : Object.values(x)).some((v) => holdsNul(v, depth + 1));
  };
  app.addHook("preValidation", async (request) => {
    const twice = repeatedParameters(request.query);
    if (twice) throw twice;
    if (holdsNul(request.body) || holdsNul(request.query)) {
      throw new LanternError("LANTERN_BAD_OPTION", "The form held a NUL character (byte 0), which is not text, so nothing was saved.", { hint: "Type or paste the text again." });
    }
  });
  await app.register(multipart, { limits: { fileSize: maxUpload, files: MAX_FILES, fields: MAX_FIELDS, fieldSize: 1024, parts: MAX_FILES + MAX_FIELDS } });
  await app.register(fastifyStatic, { root: ASSETS, prefix: "/assets/", index: false, maxAge: "1h" });
  // Without the GOV.UK typeface's @font-face rules: the fonts are not served (govuk-css.ts).
  const govukCss = withoutGovukFonts(readFileSync(GOVUK_CSS, "utf8"));
  app.get("/assets/govuk/govuk-frontend.min.css", (_req, reply) => reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(govukCss));

  // Before the auth plugin: Fastify gives a route the error handler in force when the route is
  // added, so the sign-in and admin routes would otherwise answer with its bare JSON.
  app.setNotFoundHandler((request, reply) => problem(reply, request, 404, "Page not found", "There is no page at this address."));
  const errorLog = opts.errorLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (isLanternError(error)) return problem(reply, request, 400, error.code === "LANTERN_PARAMETER_REPEATED" ? "That address could not be used" : "That could not be done", `${error.message}${error.hint ? ` ${error.hint}` : ""}`);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE" && !request.isMultipart()) {
      const f = formTooLarge(request.routeOptions.url, request.params, request.query, Math.min(request.routeOptions.bodyLimit ?? FORM_LIMIT, FORM_LIMIT));
      return sendPage(reply, 413, f.title, request, "", html`<h1 class="govuk-heading-l">${f.title}</h1><p class="govuk-body">${f.message}</p><p class="govuk-body"><a class="govuk-link" href="${f.back}">${f.backText}</a></p>`);
    }
    if (status === 413 || error.code === "FST_REQ_FILE_TOO_LARGE") return problem(reply, request, 413, error.code?.startsWith("FST_") && error.code !== "FST_ERR_CTP_BODY_TOO_LARGE" ? "The upload was refused" : "Too large", tooLarge(error.code, maxUpload));
    if (status < 500) return problem(reply, request, status, "That request could not be handled", error.message);
    const id = randomBytes(6).toString("hex");
    errorLog(errorLine(id, request.method, request.url, error));
    return sendPage(
      reply,
      500,
      "Something went wrong",
      request,
      "",
      html`<h1 class="govuk-heading-l">Something went wrong</h1><p class="govuk-body">Lantern could not show this page. The error has been logged with the reference <strong>${id}</strong>: an administrator can find it in the server's log.</p><p class="govuk-body"><a class="govuk-link" href="/">Go to the dashboard</a></p>`,
    );
  });

  if (!opts.authenticate) {
    // Sign-in, sessions, CSRF on every non-GET, rate limits, the admin pages: the auth plugin.
    await app.register(authPlugin, { store: opts.store, ...opts.auth });
  } else {
    // The test seam: who is asking, and the CSRF token forms carry, from the options.
    app.decorateRequest("user", null);
    const token = opts.csrfToken ?? (() => "lantern-test-csrf");
    app.decorateRequest("csrfToken", function (this: FastifyRequest) {
      return token(this);
    });
    // The auth plugin verifies CSRF on every non-GET itself; this stand-in does the same check.
    app.addHook("preValidation", async (request, reply) => {
      if (request.method === "GET" || request.method === "HEAD" || request.isMultipart()) return;
      const sent = (request.body as Record<string, unknown> | undefined)?.["_csrf"];
      if (sent !== request.csrfToken()) return problem(reply, request, 403, "Forbidden", "The form was not accepted (its security token is missing or wrong). Go back, reload the page and try again.");
    });
    const authenticate = opts.authenticate;
    app.addHook("onRequest", async (request) => {
      request.user = authenticate(request);
    });
  }

  /** A preHandler that lets only the given roles through: nobody signed in is sent to sign in. */
  const allow =
    (...roles: Role[]) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.user) return sendToSignIn(request, reply);
      if (!hasRole(request.user, ...roles)) return problem(reply, request, 403, "You cannot see this page", "Your role does not give access to this page. Ask an administrator if you need it.");
    };
  const everyone = allow("admin", "analyst", "manager", "member");

  const noDataYet = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, 200, "No data yet", request, "/", html`<h1 class="govuk-heading-l">No data yet</h1><p class="govuk-body">Nothing has been loaded. ${hasRole(request.user, "admin", "analyst") ? html`<a class="govuk-link" href="/data">Upload an SSD export</a>, or run <code>lantern demo</code>.` : "Ask an analyst to load data."}</p>`);

  /**
   * The authority a request names (`la`): the first loaded when it names none, undefined when
   * nothing is loaded, or null once a 404 page has said the one named is not loaded (rather than
   * quietly showing, or saving against, another).
   */
  const namedAuthority = async (request: FastifyRequest, reply: FastifyReply, code: unknown, refused?: string): Promise<Target | undefined | null> => {
    const found = await ctx.gate.read(() => requestedAuthority(ctx, code));
    if (found && "unknown" in found) {
      problem(reply, request, 404, "No data for that authority", `${refused ? `${refused} ` : ""}No data has been loaded for the authority "${found.unknown}". Data is loaded for: ${found.loaded.join(", ")}.`);
      return null;
    }
    if (found) heres.set(request, { la: found.la_code });
    return found;
  };

  /** The authority a request names (`la`), or null once a page has said there is none such, or no data yet. */
  const authorityOf = async (request: FastifyRequest, reply: FastifyReply, code: unknown, refused?: string): Promise<Target | null> => {
    const found = await namedAuthority(request, reply, code, refused);
    if (found === undefined) {
      noDataYet(request, reply);
      return null;
    }
    return found;
  };

  /** The page saying which period was refused, why, and which periods have figures. */
  const periodRefused = (request: FastifyRequest, reply: FastifyReply, t: Target, r: PeriodRefusal, o: ScopeOptions) => {
    const back = `${o.back ?? request.url.split("?")[0]}?${new URLSearchParams({ la: t.la_code }).toString()}`;
    return sendPage(
      reply,
      r.status,
      r.title,
      request,
      "",
      html`<h1 class="govuk-heading-l">${r.title}</h1>
${o.refused ? html`<p class="govuk-body"><strong>${o.refused}</strong></p>` : ""}
<p class="govuk-body">${r.message}</p>
${r.available.length ? html`<p class="govuk-body">Periods with figures for ${t.la_code}:</p><ul class="govuk-list govuk-list--bullet" id="periods-available">${r.available.map((a) => html`<li>${a}</li>`)}</ul>` : ""}
<p class="govuk-body"><a class="govuk-link" href="${back}">Show the latest ${(o.kinds ?? PAGE_KINDS).includes("month") ? "month" : "period"}</a></p>`,
    );
  };

  /**
   * The authority and period of a page, or null once a page has been sent instead: no data yet,
   * an authority not loaded, or a period that is not one or has no figures. Only a missing
   * period means the latest month.
   */
  const scope = async (request: FastifyRequest, reply: FastifyReply, o: ScopeOptions = {}): Promise<{ t: Target; period: Period } | null> => {
    const q = request.query as Record<string, unknown>;
    const t = await authorityOf(request, reply, q["la"], o.refused);
    if (!t) return null;
    const r = resolvePeriod(t, q["period"], o.kinds, o.subject);
    if ("status" in r) {
      periodRefused(request, reply, t, r, o);
      return null;
    }
    heres.set(request, { la: t.la_code, period: r.period });
    return { t, period: r.period };
  };

  app.get("/", { preHandler: everyone }, async (request, reply) => {
    const s = await scope(request, reply, { subject: "The dashboard" });
    if (!s) return reply;
    const suppress = suppresses(request.user);
    const [d, all] = await ctx.gate.read(async () => [await dashboard(ctx, s.t, s.period, suppress), await authorities(ctx)] as const);
    // The page depends only on the (cached) figures and who is signed in, so it is rendered and
    // encoded once per store generation and viewer.
    const user = request.user!;
    const pages = dashboardPages.get(d) ?? new Map<string, Buffer>();
    dashboardPages.set(d, pages);
    const csrf = request.csrfToken();
    const who = `${user.id}|${user.displayName}|${user.role}|${all.length}|${csrf}`;
    let bytes = pages.get(who);
    if (bytes === undefined) {
      bytes = Buffer.from(page({ title: `Dashboard, ${s.period.label}`, user, csrf, section: "/", here: { la: s.t.la_code, period: s.period }, body: dashboardBody(d, all) }));
      if (pages.size > 1000) pages.clear();
      pages.set(who, bytes);
    }
    return reply.code(200).type("text/html; charset=utf-8").header("cache-control", "no-store").send(bytes);
  });

  const indicatorOf = (id: string) => lib.get(id);

  /**
   * The indicator page. With `form` (a comment refused) it is shown with status 400, the error
   * and what was typed, and not cached: it is one person's.
   */
  const indicatorPage = async (request: FastifyRequest, reply: FastifyReply, def: IndicatorDef, s: { t: Target; period: Period }, form?: CommentForm): Promise<FastifyReply> => {
    const user = request.user!;
    const suppress = suppresses(user);
    const [d, comments] = await ctx.gate.read(async () => [await indicatorDetail(ctx, s.t, def, s.period, suppress), await commentsFor(ctx, s.t.la_code, def.id, user.role === "member")] as const);
    const perms = { suppress, childLevel: canSeeChildLevel(user, def.area), comment: hasRole(user, "admin", "analyst") };
    const title = `${def.title}, ${s.period.label}`;
    const token = request.csrfToken();
    if (form) return sendPage(reply, 400, `Error: ${title}`, request, "/", indicatorBody(d, comments, { ...perms, csrf: token }, form));
    // Rendered once per cached figures, comments and permissions; the CSRF token goes in afterwards.
    const key = `${perms.suppress}|${perms.childLevel}|${perms.comment}`;
    const byComments = indicatorBodies.get(d) ?? new WeakMap<object, Map<string, string>>();
    indicatorBodies.set(d, byComments);
    const byPerms = byComments.get(comments) ?? new Map<string, string>();
    byComments.set(comments, byPerms);
    let body = byPerms.get(key);
    if (body === undefined) {
      body = indicatorBody(d, comments, { ...perms, csrf: CSRF_SLOT }).value;
      byPerms.set(key, body);
    }
    // Just after a comment was saved or changed: the page with the banner saying so, not cached.
    const saved = savedBanner((request.query as Record<string, unknown>)["saved"], COMMENT_SAVED);
    if (saved) return sendPage(reply, 200, title, request, "/", html`${saved}${raw(body.replaceAll(CSRF_SLOT, escapeHtml(token)))}`);
    // The whole page, encoded, per viewer and CSRF token (a session's token is stable).
    const who = `page|${key}|${user.id}|${user.displayName}|${token}`;
    // Any write to the store makes new figures and comments, so `d` keys a generation's pages.
    const encoded = indicatorPages.get(d) ?? new Map<string, Buffer>();
    indicatorPages.set(d, encoded);
    let bytes = encoded.get(who);
    if (bytes === undefined) {
      bytes = Buffer.from(page({ title, user, csrf: token, section: "/", here: { la: s.t.la_code, period: s.period }, body: raw(body.replaceAll(CSRF_SLOT, escapeHtml(token))) }));
      if (encoded.size > 1000) encoded.clear();
      encoded.set(who, bytes);
    }
    return reply.code(200).type("text/html; charset=utf-8").header("cache-control", "no-store").send(bytes);
  };

  app.get("/indicators/:id", { preHandler: everyone }, async (request, reply) => {
    const def = indicatorOf((request.params as { id: string }).id);
    if (!def) return problem(reply, request, 404, "Page not found", "There is no such indicator.");
    const s = await scope(request, reply, { kinds: def.periods, subject: def.title });
    if (!s) return reply;
    return indicatorPage(request, reply, def, s);
  });

  app.get("/indicators/:id.csv", { preHandler: everyone }, async (request, reply) => {
    const def = indicatorOf((request.params as { id: string }).id);
    if (!def) return problem(reply, request, 404, "Page not found", "There is no such indicator.");
    // A refused period's page links to the indicator's page: following it should show figures, not download a file.
    const s = await scope(request, reply, { kinds: def.periods, subject: def.title, back: `/indicators/${def.id}` });
    if (!s) return reply;
    const user = request.user!;
    const suppress = suppresses(user);
    const [all, hiding] = await ctx.gate.read(async () => [await storedValues(ctx.store, { snapshots: [s.t.snapshot_id], indicators: [def.id] }), await viewerHiding(ctx, s.t, suppress)] as const);
    const csv = valuesCsv(all, hiding);
    await ctx.gate.write(() => audit(ctx.store, { actor: user.username, action: "export.csv", la_code: s.t.la_code, detail: { indicator: def.id, rows: all.length, suppressed: suppress, via: "web" } }));
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${def.id}-${s.t.la_code}.csv"`)
      .header("cache-control", "no-store")
      .send(csv);
  });

  app.get("/indicators/:id/records", { preHandler: everyone }, async (request, reply) => {
    const def = indicatorOf((request.params as { id: string }).id);
    if (!def) return problem(reply, request, 404, "Page not found", "There is no such indicator.");
    const user = request.user!;
    if (!canSeeChildLevel(user, def.area)) return problem(reply, request, 403, "You cannot see this page", "Your role does not give access to child-level records for this area.");
    const s = await scope(request, reply, { kinds: def.periods, subject: def.title });
    if (!s) return reply;
    const part = (request.query as Query).part === "denominator" ? "denominator" : "numerator";
    const refusal = recordsRefusal(def, part);
    if (refusal) return sendPage(reply, refusal.status, refusal.title, request, "/", recordsRefusedBody(s.t, def, s.period, refusal));
    const rows = await ctx.gate.write(async () => {
      await ensureReferenceTables(ctx.store, holidaysFor(ctx.dataDir));
      const r = await indicatorRecords(ctx.store, def, s.t, s.period.id, part);
      await audit(ctx.store, { actor: user.username, action: "records.view", la_code: s.t.la_code, detail: { indicator: def.id, period: s.period.id, part, rows: r.length, via: "web" } });
      return r;
    });
    const authority = await ctx.gate.read(() => authorityLabel(ctx, s.t.la_code));
    return sendPage(reply, 200, `Records: ${def.title}`, request, "/", recordsBody(s.t, def, s.period, part, rows, authority));
  });

  app.post("/indicators/:id/comments", { preHandler: allow("admin", "analyst") }, async (request, reply) => {
    const def = indicatorOf((request.params as { id: string }).id);
    if (!def) return problem(reply, request, 404, "Page not found", "There is no such indicator.");
    // The form's action always names the period; without one the comment would land on whichever is latest.
    const asked = (request.query as Record<string, unknown>)["period"];
    if (asked === undefined || asked === "") return problem(reply, request, 400, "The comment was not saved", "The form did not say which period the comment is on. Go back to the indicator page, reload it and try again.");
    const s = await scope(request, reply, { kinds: def.periods, subject: def.title, refused: "The comment was not saved.", back: `/indicators/${def.id}` });
    if (!s) return reply;
    const b = request.body as Record<string, unknown>;
    const form: CommentForm = { body: typeof b["body"] === "string" ? b["body"] : "", published: b["published"] === "yes" };
    let c: Comment;
    try {
      c = await ctx.gate.write(async () => {
        const saved = await saveComment(ctx.store, { authority: s.t.la_code, indicator: def.id, period: s.period.id, body: form.body, published: form.published, by: request.user!.username });
        await audit(ctx.store, { actor: request.user!.username, action: "commentary.save", la_code: s.t.la_code, detail: { indicator: def.id, period: s.period.id, comment: saved.id, version: saved.version, published: saved.published } });
        return saved;
      });
    } catch (e) {
      if (!isLanternError(e)) throw e;
      return indicatorPage(request, reply, def, s, { ...form, error: e.message });
    }
    return reply.header("x-comment-id", String(c.id)).redirect(`/indicators/${def.id}?la=${encodeURIComponent(s.t.la_code)}&period=${encodeURIComponent(s.period.id)}&saved=${c.published ? "published" : "comment"}#commentary`, 303);
  });

  app.post("/indicators/:id/comments/:comment", { preHandler: allow("admin", "analyst") }, async (request, reply) => {
    const params = request.params as { id: string; comment: string };
    const def = indicatorOf(params.id);
    const id = Number(params.comment);
    if (!def || !Number.isInteger(id)) return problem(reply, request, 404, "Page not found", "There is no such comment.");
    const action = (request.body as { action?: unknown }).action;
    // Only the page's own buttons' actions: anything else (or none) is not taken as "unpublish".
    if (action !== "publish" && action !== "unpublish" && action !== "delete") {
      throw new LanternError("LANTERN_BAD_OPTION", `The form did not say whether to publish, unpublish or delete comment ${id}, so nothing was changed.`, { hint: "Go back to the indicator page, reload it and use the comment's buttons." });
    }
    await ctx.gate.write(async () => {
      const history = await commentHistory(ctx.store, id);
      const last = history.at(-1);
      if (!last || last.indicator !== def.id) throw new LanternError("LANTERN_BAD_OPTION", `There is no comment ${id} on ${def.title}.`);
      // A page opened before the deletion still shows its buttons: they must not bring it back.
      if (last.deleted) throw new LanternError("LANTERN_BAD_OPTION", `Comment ${id} on ${def.title} was deleted by ${last.changedBy}, so it cannot be published or unpublished. Nothing was changed.`, { hint: "Reload the indicator page to see the comments as they are now." });
      await saveComment(ctx.store, { id, authority: last.authority, indicator: last.indicator, period: last.period, body: last.body, published: action === "publish", deleted: action === "delete", by: request.user!.username });
      await audit(ctx.store, { actor: request.user!.username, action: `commentary.${action === "publish" ? "publish" : action === "delete" ? "delete" : "unpublish"}`, la_code: last.authority, detail: { indicator: def.id, comment: id } });
    });
    // Back to the page the buttons were on: its authority and period where the address gave them,
    // and no empty `la=` or `period=` where it did not (the page then opens on its defaults).
    const q = request.query as Record<string, unknown>;
    const back = new URLSearchParams();
    for (const k of ["la", "period"] as const) {
      const v = q[k];
      if (typeof v === "string" && v.trim()) back.set(k, v.trim());
    }
    back.set("saved", action === "publish" ? "published" : action === "delete" ? "deleted" : "unpublished");
    return reply.redirect(`/indicators/${def.id}?${back.toString()}#commentary`, 303);
  });

  app.get("/flow", { preHandler: everyone }, async (request, reply) => {
    const s = await scope(request, reply, { subject: "The system flow" });
    if (!s) return reply;
    const [rows, authority] = await ctx.gate.read(async () => [await systemFlow(ctx, s.t, s.period, suppresses(request.user)), await authorityLabel(ctx, s.t.la_code)] as const);
    return sendPage(reply, 200, `System flow, ${s.period.label}`, request, "/flow", flowBody(s.t, s.period, rows, authority));
  });

  app.get("/early-warning", { preHandler: everyone }, async (request, reply) => {
    // A calendar year is refused as `lantern digest` refuses it, pointing at the rolling year to December.
    const q = request.query as Record<string, unknown>;
    const asked = typeof q["period"] === "string" ? parsePeriod(q["period"].trim()) : undefined;
    if (asked?.kind === "calendar") {
      const t = await authorityOf(request, reply, q["la"]);
      if (!t) return reply;
      const r = resolvePeriod(t, asked.id, PAGE_KINDS, "Early warning");
      if ("status" in r) {
        const message = `The early warning is not given for a calendar year: the flow from contacts to care and most indicators are counted for months, financial quarters and years, and rolling years. For January to December ${asked.id}, choose the 12 months to December ${asked.id} (12m-${asked.id}-12).`;
        return periodRefused(request, reply, t, { ...r, title: `No early warning for ${asked.label}`, message }, {});
      }
    }
    const s = await scope(request, reply, { subject: "Early warning" });
    if (!s) return reply;
    const suppress = suppresses(request.user);
    const [d, rows, authority] = await ctx.gate.read(async () => [await shownDigest(ctx, s.t, s.period, suppress), await systemFlow(ctx, s.t, s.period, suppress), await authorityLabel(ctx, s.t.la_code)] as const);
    return sendPage(reply, 200, `Early warning, ${s.period.label}`, request, "/early-warning", earlyWarningBody(s.t, s.period, d, rows, authority));
  });

  const analysts = allow("admin", "analyst");

  app.get("/data", { preHandler: analysts }, async (request, reply) => {
    // The page works with nothing loaded (it is where the first upload is made); an authority named but not loaded is a 404 page.
    const t = await namedAuthority(request, reply, (request.query as Record<string, unknown>)["la"]);
    if (t === null) return reply;
    const snaps = await ctx.gate.read(() => listSnapshots(ctx.store));
    const rev = t ? await ctx.gate.read(() => revisions(ctx, t.la_code)) : null;
    const body = dataBody(snaps, { csrf: request.csrfToken(), authority: t?.la_code ?? "", maxBytes: maxUpload, revisions: revisionsSection(t?.la_code ?? "", rev) });
    return sendPage(reply, 200, "Data", request, "/data", body, ["/assets/upload.js"]);
  });

  app.get("/data/snapshots/:id", { preHandler: analysts }, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const snaps = Number.isSafeInteger(id) ? await ctx.gate.read(() => listSnapshots(ctx.store)) : [];
    const snap = snaps.find((x) => x.snapshotId === id);
    if (!snap) return problem(reply, request, 404, "Page not found", "There is no such snapshot.");
    const [issues, count] = await ctx.gate.read(async () => [
      await ctx.store.all<StoredIssue>(`SELECT severity, code, file_name, row_number, column_name, value, message FROM lantern_snapshot_issue WHERE snapshot_id = $1 ORDER BY file_name, row_number, code LIMIT 1000`, [id]),
      await ctx.store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot_issue WHERE snapshot_id = $1`, [id]),
    ] as const);
    // The issues quote the values they were found in (a child's id, date of birth, UPN): shown,
    // they are a child-level view, audited as the records behind a figure are.
    const withValues = issues.filter((i) => i.value !== null && i.value !== "").length;
    if (withValues > 0) {
      await ctx.gate.write(() => audit(ctx.store, { actor: request.user!.username, action: "records.view", la_code: snap.authority, detail: { snapshot: id, part: "validation issues", rows: issues.length, values: withValues, via: "web" } }));
    }
    return sendPage(reply, 200, `Snapshot ${id}`, request, "/data", snapshotBody(snap, issues, Number(count[0]?.n ?? 0)));
  });

  /** The upload page's refusal: what was wrong, what to do, and the problems found with their rows. */
  const uploadRefused = (request: FastifyRequest, reply: FastifyReply, message: string, hint: string | undefined, issues: Parameters<typeof refusedBody>[2]) =>
    sendPage(reply, 422, "Error: Upload refused", request, "/data", refusedBody(message, hint, issues));

  app.post("/data/upload", { preHandler: analysts, config: { csrfInForm: true } }, async (request, reply) => {
    if (!request.isMultipart()) return problem(reply, request, 415, "Not an upload", "Send the files from the upload form.");
    const user = request.user!;
    // The CSRF token: in the header or the address when either is given (checked before the body
    // is read), else the form's `_csrf` field, which the form puts before its files, so nothing is
    // written without it.
    const forbidden = () => problem(reply, request, 403, "Forbidden", "The form was not accepted (its security token is missing or wrong). Go back, reload the page and try again.");
    const early = uploadCsrf(request);
    if (early !== undefined && !sameToken(early, request.csrfToken())) return forbidden();
    const tokenIn = (fields: Record<string, string>) => early !== undefined || sameToken(fields["_csrf"], request.csrfToken());
    const dir = join(ctx.dataDir, "uploads", `${Date.now()}-${randomBytes(6).toString("hex")}`);
    makePrivateDir(dir);
    try {
      const fields: Record<string, string> = {};
      const wrongType: string[] = [];
      const badName: string[] = [];
      /** The files saved, by their saved name in lower case: the names they were sent with. */
      const savedAs = new Map<string, string[]>();
      let files = 0;
      for await (const part of request.parts()) {
        if (part.type === "field") {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        // The CSRF token comes before the files in the form, so nothing is written without it.
        if (!tokenIn(fields)) {
          part.file.resume();
          return forbidden();
        }
        if (!part.filename) {
          part.file.resume();
          continue;
        }
        const sent = part.filename.split(/[\\/]/).pop()!;
        const named = uploadName(part.filename);
        if ("refused" in named) {
          (named.refused === "type" ? wrongType : badName).push(named.refused === "type" ? sent : `${sent} (${named.why})`);
          part.file.resume();
          continue;
        }
        const name = named.saved;
        // A second file of the same name would overwrite the first: not written, and the upload refused below.
        const same = savedAs.get(name.toLowerCase());
        savedAs.set(name.toLowerCase(), [...(same ?? []), sent]);
        if (same) {
          part.file.resume();
          continue;
        }
        await pipeline(part.file, privateWriteStream(join(dir, name)));
        if (part.file.truncated) throw new LanternError("LANTERN_BAD_OPTION", `${name} is larger than this server accepts.`);
        files++;
      }
      if (!tokenIn(fields)) return forbidden();
      const twice = [...savedAs.values()].filter((sent) => sent.length > 1);
      if (twice.length) {
        const said = twice.map((sent) => (new Set(sent).size === 1 ? `"${sent[0]}" (${sent.length} times)` : `${sent.map((n) => `"${n}"`).join(" and ")} (the same name once characters a file name cannot safely hold are replaced)`));
        return uploadRefused(
          request,
          reply,
          `The upload has more than one file with the same name: ${said.join("; ")}. Files with the same name would overwrite each other, so only the last would be loaded.`,
          "Give each file in an upload a different name. If the same file was chosen twice, choose it once; if they are different files (such as the same return for two years), upload them separately.",
          [],
        );
      }
      if (badName.length || wrongType.length || files === 0) {
        const problems = [
          ...(badName.length ? [`${badName.length === 1 ? "This file's name cannot be used" : "These files' names cannot be used"}: ${badName.join(", ")}.`] : []),
          ...(wrongType.length ? [`Only CSV, XML and Excel (.xlsx) files can be uploaded; these were not: ${wrongType.join(", ")}.`] : []),
        ];
        return uploadRefused(
          request,
          reply,
          problems.length ? problems.join(" ") : "No files were chosen.",
          `${badName.length ? "Rename the file with letters or digits before its extension (.csv, .xml or .xlsx) and upload again. " : ""}Choose the ssd_*.csv files of one export, the return files (SSDA903, CIN census, Annex A) of one authority, or a figures file (measures.csv).`,
          [],
        );
      }
      // A figures file (measures.csv) is loaded by itself, as `lantern import` loads it: the CLI
      // takes figures files only when every file given is one, so a mixed upload is refused here
      // in words rather than failing on the figures file's header.
      const saved = readdirSync(dir).sort();
      const figures = saved.filter((n) => isMeasuresFile(join(dir, n)));
      const replace = fields["replace"] === "yes";
      if (figures.length && figures.length < saved.length) {
        const others = saved.filter((n) => !figures.includes(n));
        return uploadRefused(
          request,
          reply,
          `${figures.join(", ")} ${figures.length === 1 ? "is a figures file" : "are figures files"} (workforce and education figures, as measures.csv), which cannot be uploaded with other files: ${others.join(", ")}.`,
          "Upload them separately: the figures file by itself, and the SSD export or return files in another upload.",
          [],
        );
      }
      if (figures.length) return await loadFigures(request, reply, dir, figures, replace);
      if (replace) {
        return uploadRefused(request, reply, `The box "${REPLACE_LABEL}" is for figures files (measures.csv) only, and none of these files is one.`, "An SSD export or a return already replaces the tables it carries: untick the box and upload again.", []);
      }
      const authority = (fields["authority"] ?? "").trim() || undefined;
      if (!(await isSsdExport([dir]))) return await loadReturns(request, reply, dir, files, authority, fields["dfe_errors_as_queries"] === "yes");
      try {
        const result = await ctx.gate.write(async () => {
          checkComputeSettings(ctx.dataDir);
          const r = await importSsd(ctx.store, { paths: [dir], ...(authority ? { authority } : {}), loadedBy: user.username });
          await audit(ctx.store, { actor: user.username, action: "data.upload", la_code: authority ?? null, detail: { files, rows: r.rows, snapshots: r.authorities.map((a) => a.snapshotId ?? null), via: "web" } });
          const notComputed = await computeLoaded(request, r.authorities.filter((a) => a.status === "loaded").map((a) => a.snapshotId));
          return { ...r, notComputed };
        });
        return sendPage(reply, 200, "Upload loaded", request, "/data", loadedBody(result.authorities, result.warnings, { notComputed: result.notComputed }));
      } catch (e) {
        if (isLanternError(e)) {
          await ctx.gate.write(() => audit(ctx.store, { actor: user.username, action: "data.upload.refused", la_code: authority ?? null, detail: { files, code: e.code, issues: e.issues?.length ?? 0, via: "web" } }));
          const worded = forTheForm(e);
          return uploadRefused(request, reply, worded.message, worded.hint, e.issues ?? []);
        }
        throw e;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * Work out the figures of snapshots just loaded and audited (inside the caller's write). What
   * could stop them for a reason the user can put right (a bank holidays file Lantern cannot read)
   * is checked before the load (`checkComputeSettings`), so an "Upload refused" page never
   * speaks of data that is in fact stored. Anything else that stops them (the database failing
   * part way) is logged and returned as words for the "Upload loaded" page: the load stands, and
   * the next start computes what is missing (`computeUncomputed`).
   */
  const computeLoaded = async (request: FastifyRequest, snapshots: readonly (number | undefined)[]): Promise<string | null> => {
    try {
      for (const snapshot of snapshots) if (snapshot !== undefined) await computeAndStore(ctx.store, { snapshot, dataDir: ctx.dataDir });
      return null;
    } catch (e) {
      request.log.error({ err: e }, "computing the figures of an upload failed");
      return e instanceof Error ? e.message : String(e);
    }
  };

  /**
   * Figures files (measures.csv: workforce and education figures) through `importMeasures`, as
   * `lantern import` loads them, all or nothing; each authority loaded is computed, as the CLI
   * computes it. The files name their authorities on each row, so the form's Authority code is not
   * used.
   */
  const loadFigures = async (request: FastifyRequest, reply: FastifyReply, dir: string, names: readonly string[], replace: boolean): Promise<FastifyReply> => {
    const user = request.user!;
    try {
      const r = await ctx.gate.write(async () => {
        checkComputeSettings(ctx.dataDir);
        const loaded = await importMeasures(ctx.store, { paths: names.map((n) => join(dir, n)), replace, loadedBy: user.username });
        const codes = loaded.authorities.map((a) => a.authority);
        await audit(ctx.store, {
          actor: user.username,
          action: "data.upload",
          la_code: codes.length === 1 ? codes[0]! : null,
          detail: { files: names.length, format: "measures", replace, rows: loaded.rows, authorities: codes, snapshots: loaded.authorities.map((a) => a.snapshotId ?? null), via: "web" },
        });
        const notComputed = await computeLoaded(request, loaded.authorities.filter((a) => a.status === "loaded").map((a) => a.snapshotId));
        return { ...loaded, notComputed };
      });
      return sendPage(reply, 200, "Upload loaded", request, "/data", loadedBody(r.authorities, r.warnings.map(warningForTheForm), { figures: lib.list().filter((d) => d.source === "measures"), notComputed: r.notComputed }));
    } catch (e) {
      if (!isLanternError(e)) throw e;
      await ctx.gate.write(() => audit(ctx.store, { actor: user.username, action: "data.upload.refused", la_code: null, detail: { files: names.length, format: "measures", replace, code: e.code, issues: e.issues?.length ?? 0, via: "web" } }));
      const worded = forTheForm(e);
      return uploadRefused(request, reply, worded.message, worded.hint, e.issues ?? []);
    }
  };

  /** Return files (SSDA903, CIN census, Annex A) through the statutory-format readers, all or nothing. */
  const loadReturns = async (request: FastifyRequest, reply: FastifyReply, dir: string, files: number, authority: string | undefined, dfeErrorsAsQueries: boolean): Promise<FastifyReply> => {
    const user = request.user!;
    try {
      const r = await ctx.gate.write(async () => {
        checkComputeSettings(ctx.dataDir);
        const loaded = await loadFormats(ctx.store, { paths: [dir], ...(authority ? { authority } : {}), loadedBy: user.username, dfeErrorsAsQueries });
        await audit(ctx.store, {
          actor: user.username,
          action: loaded.status === "rejected" ? "data.upload.refused" : "data.upload",
          la_code: loaded.authority || (authority ?? null),
          detail: { files, formats: loaded.formats, rows: loaded.rows, errors: loaded.errorCount, snapshot: loaded.snapshotId ?? null, via: "web" },
        });
        const notComputed = await computeLoaded(request, loaded.status === "loaded" ? [loaded.snapshotId] : []);
        return { ...loaded, notComputed };
      });
      if (r.status === "rejected") {
        const errors = r.issues.filter((i) => i.severity === "error");
        return uploadRefused(request, reply, `${r.errorCount.toLocaleString("en-GB")} error${r.errorCount === 1 ? "" : "s"} in ${r.files.map((f) => `${f.file} (${f.format})`).join(", ")}.`, `Correct ${listedToCorrect(errors)} and upload again, or tick the box to load the DfE's validation errors as queries. Structural errors always stop a load.`, errors);
      }
      const notes = r.issues.filter((i) => i.severity !== "error");
      return sendPage(reply, 200, "Upload loaded", request, "/data", loadedBody([{ authority: r.authority, status: r.status, ...(r.snapshotId !== undefined ? { snapshotId: r.snapshotId } : {}), rows: r.rows }], notes, { notComputed: r.notComputed }));
    } catch (e) {
      if (!isLanternError(e)) throw e;
      await ctx.gate.write(() => audit(ctx.store, { actor: user.username, action: "data.upload.refused", la_code: authority ?? null, detail: { files, code: e.code, issues: e.issues?.length ?? 0, via: "web" } }));
      const worded = forTheForm(e);
      const hint =
        e.code === "LANTERN_DATA_REJECTED"
          ? `Correct ${listedToCorrect(e.issues)} and upload again${dfeErrorsAsQueries ? "" : ", or tick the box to load the DfE's validation errors as queries (structural errors always stop a load)"}.`
          : worded.hint;
      return uploadRefused(request, reply, worded.message, hint, e.issues ?? []);
    }
  };

  app.get("/targets", { preHandler: allow("admin", "analyst", "manager") }, async (request, reply) => {
    // Targets hold for every authority; the one named (or the first) only picks the year the form offers.
    const t = await namedAuthority(request, reply, (request.query as Record<string, unknown>)["la"]);
    if (t === null) return reply;
    const s = await ctx.gate.read(async () => ({ inForce: await goals(ctx), history: await targetHistory(ctx.store), t }));
    const period = s.t ? choosePeriod(s.t, undefined) : undefined;
    const body = targetsBody({ defs: lib.list(), inForce: s.inForce, history: s.history, canEdit: hasRole(request.user, "admin", "analyst"), csrf: request.csrfToken(), year: (period && targetYear(period.id)) ?? "" });
    const saved = savedBanner((request.query as Record<string, unknown>)["saved"], { target: "The target was saved. It is in force now, and listed below with its history." });
    return sendPage(reply, 200, "Targets", request, "/targets", html`${saved}${body}`);
  });

  app.post("/targets", { preHandler: analysts }, async (request, reply) => {
    const b = request.body as Record<string, string | undefined>;
    const def = indicatorOf(String(b["indicator"] ?? ""));
    const entered = { indicator: String(b["indicator"] ?? "").slice(0, 100), year: String(b["year"] ?? "").slice(0, 20), target: String(b["target"] ?? "").slice(0, 40), tolerance: String(b["tolerance"] ?? "").slice(0, 40), polarity: String(b["polarity"] ?? "own").slice(0, 20) };
    const refuse = async (errors: readonly TargetFormError[]) => {
      const [inForce, history] = await ctx.gate.read(async () => [await goals(ctx), await targetHistory(ctx.store)] as const);
      return sendPage(reply, 400, "Error: Targets", request, "/targets", targetsBody({ defs: lib.list(), inForce, history, canEdit: true, csrf: request.csrfToken(), errors, year: entered.year, entered }));
    };
    // Every field's mistake at once, not the first only.
    const errors = targetFormErrors(entered, def, entered.indicator ? `There is no indicator "${entered.indicator}". Choose one from the list.` : "Choose an indicator.");
    if (errors.length || !def) return refuse(errors);
    try {
      await ctx.gate.write(async () => {
        const saved = await saveTarget(ctx.store, { indicator: def.id, year: entered.year.trim(), target: entered.target, tolerance: entered.tolerance.trim() ? entered.tolerance : 0, polarity: chosenPolarity(entered.polarity), unit: def.unit, by: request.user!.username });
        await audit(ctx.store, { actor: request.user!.username, action: "target.save", la_code: null, detail: { indicator: saved.indicator, year: saved.year, target: saved.target, tolerance: saved.tolerance, polarity: saved.polarity ?? null, version: saved.version } });
      });
    } catch (e) {
      if (!isLanternError(e)) throw e;
      const column = e.issues[0]?.column;
      const field = column === "year" || column === "target" || column === "tolerance" ? column : "indicator";
      return refuse([{ field, message: `${e.message}${e.hint ? ` ${e.hint}` : ""}` }]);
    }
    return reply.redirect("/targets?saved=target", 303);
  });

  app.get("/annotations", { preHandler: allow("admin", "analyst", "manager") }, async (request, reply) => {
    const t = await authorityOf(request, reply, (request.query as Record<string, unknown>)["la"]);
    if (!t) return reply;
    const list = await ctx.gate.read(() => annotationsOf(ctx, t.la_code));
    const history = (await ctx.gate.read(async () => Promise.all(list.map((a) => annotationHistory(ctx.store, a.id))))).flat();
    const saved = savedBanner((request.query as Record<string, unknown>)["saved"], { annotation: "The annotation was saved. It is listed below and shown on its indicators' pages." });
    return sendPage(reply, 200, "Annotations", request, "/annotations", html`${saved}${annotationsBody({ defs: lib.list(), authority: t.la_code, list, history, canEdit: hasRole(request.user, "admin", "analyst"), csrf: request.csrfToken() })}`);
  });

  app.post("/annotations", { preHandler: analysts }, async (request, reply) => {
    const b = request.body as Record<string, unknown>;
    const t = await authorityOf(request, reply, b["la"], "The annotation was not saved.");
    if (!t) return reply;
    const text = (k: string, max: number) => (typeof b[k] === "string" ? (b[k] as string).slice(0, max) : "");
    // The note is kept whole, so a refusal shows it as typed; its length is saveAnnotation's to refuse.
    const entered: AnnotationEntered = { indicator: text("indicator", 100), area: text("area", 100), date: text("date", 40).trim(), kind: text("kind", 40), note: typeof b["note"] === "string" ? b["note"] : "" };
    const indicator = entered.indicator ? lib.get(entered.indicator) : undefined;
    try {
      // saveAnnotation refuses an unknown id too; this says it in the form's words.
      if (entered.indicator && !indicator) {
        const message = `There is no indicator "${entered.indicator}".`;
        throw new LanternError("LANTERN_BAD_OPTION", message, { hint: "Choose the indicator from the list.", issues: [{ code: "ANNOTATION_VALUE_INVALID", severity: "error", column: "indicator", message }] });
      }
      await ctx.gate.write(async () => {
        const a = await saveAnnotation(ctx.store, { authority: t.la_code, indicator: indicator?.id ?? null, area: entered.area || null, date: entered.date, kind: entered.kind, note: entered.note, by: request.user!.username });
        await audit(ctx.store, { actor: request.user!.username, action: "annotation.save", la_code: t.la_code, detail: { annotation: a.id, version: a.version, indicator: a.indicator, area: a.area, date: a.date, kind: a.kind } });
      });
    } catch (e) {
      if (!isLanternError(e)) throw e;
      const list = await ctx.gate.read(() => annotationsOf(ctx, t.la_code));
      const history = (await ctx.gate.read(async () => Promise.all(list.map((a) => annotationHistory(ctx.store, a.id))))).flat();
      const field = e.issues[0]?.column;
      return sendPage(
        reply,
        400,
        "Error: Annotations",
        request,
        "/annotations",
        annotationsBody({ defs: lib.list(), authority: t.la_code, list, history, canEdit: true, csrf: request.csrfToken(), error: `${e.message}${e.hint ? ` ${e.hint}` : ""}`, ...(field ? { errorField: field } : {}), entered }),
      );
    }
    return reply.redirect(`/annotations?la=${encodeURIComponent(t.la_code)}&saved=annotation`, 303);
  });

  // The scheduled papers (quarters, then years) first, so the latest quarter is chosen by default.
  const reportPeriods = (t: Target) => {
    const groups = periodOptions(t, REPORT_KINDS);
    return REPORT_KINDS.flatMap((k) => groups.filter((g) => g.kind === k));
  };
  const printing = new OneAtATime();
  const mayExempt = (user: SessionUser | null) => hasRole(user, "admin", "analyst", "manager");
  const reportsPage = async (request: FastifyRequest, reply: FastifyReply, t: Target, requested: string | undefined, status = 200, error?: string, entered?: { audience: string; format: string; committee: string }, errorAt?: "audience-public" | "format-pdf") => {
    const today = new Date().toISOString().slice(0, 10);
    const [[cal], authority] = await ctx.gate.read(async () => [await calendarFor(ctx.store, t.la_code, today), await authorityLabel(ctx, t.la_code)] as const);
    const periods = reportPeriods(t);
    const offered = !!requested && periods.some((g) => g.periods.some((p) => p.id === requested));
    const chosen = offered ? requested : periods[0]?.periods[0]?.id;
    const chosenPeriod = chosen ? parsePeriod(chosen) : undefined;
    heres.set(request, { la: t.la_code, ...(chosenPeriod ? { period: chosenPeriod } : {}) });
    // The calendar links every scheduled report here, those whose data has not arrived too: say so rather than silently choosing another.
    const asked = requested && !offered && !error ? parsePeriod(requested) : undefined;
    const notice = asked
      ? `The report for ${asked.label} cannot be produced from the data loaded: ${REPORT_KINDS.includes(asked.kind) ? "the data does not cover all of it yet" : "reports are made for financial quarters and years, and months"}. The latest period the data covers is chosen below.`
      : undefined;
    const body = reportsBody({ t, authority, calendar: cal, today, periods, chosen, exempt: mayExempt(request.user), csrf: request.csrfToken(), ...(error ? { error } : {}), ...(notice ? { notice } : {}), ...(entered ? { entered } : {}), ...(errorAt ? { errorAt } : {}) });
    return sendPage(reply, status, error ? "Error: Reports" : "Reports", request, "/reports", body);
  };

  app.get("/reports", { preHandler: everyone }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const t = await authorityOf(request, reply, q["la"]);
    if (!t) return reply;
    const requested = q["period"];
    if (requested !== undefined && requested !== "" && (typeof requested !== "string" || !parsePeriod(requested))) {
      const r = resolvePeriod(t, requested, REPORT_KINDS);
      if ("status" in r) return periodRefused(request, reply, t, r, { kinds: REPORT_KINDS });
    }
    return reportsPage(request, reply, t, typeof requested === "string" && requested ? requested : undefined);
  });

  app.post("/reports", { preHandler: everyone }, async (request, reply) => {
    const b = request.body as Record<string, string | undefined>;
    const user = request.user!;
    const t = await authorityOf(request, reply, b["la"], "The report was not made.");
    if (!t) return reply;
    const audience = String(b["audience"] ?? "");
    const format = String(b["format"] ?? "");
    const period = String(b["period"] ?? "").slice(0, 20);
    if (audience === "exempt" && !mayExempt(user)) return problem(reply, request, 403, "You cannot see this page", "Members may produce the public report only: the exempt report carries unsuppressed figures.");
    const committee = String(b["committee"] ?? "").trim().slice(0, 120);
    // A refused form is shown back as it was sent (the period is kept by `chosen`).
    const entered = { audience, format, committee };
    if (!AUDIENCES.includes(audience as Audience)) return reportsPage(request, reply, t, period, 400, "Choose the audience: public or exempt.", entered, "audience-public");
    if (format !== "pdf" && format !== "html") return reportsPage(request, reply, t, period, 400, "Choose the format: PDF or HTML.", entered, "format-pdf");
    const job: ReportJob = { period, audience: audience as Audience, format, dataDir: ctx.dataDir, authority: t.la_code, ...(committee ? { committee } : {}) };
    let doc: ReportDocument;
    try {
      // Gathering only reads, so pages keep being served meanwhile; the rare snapshot whose
      // figures are not yet computed (the report reads the latest and the one before) is
      // computed first, alone.
      if ((await ctx.gate.read(() => uncomputedForReport(ctx.store, t.la_code, job))).length) {
        await ctx.gate.write(async () => {
          for (const snapshot of await uncomputedForReport(ctx.store, t.la_code, job)) await computeAndStore(ctx.store, { snapshot, dataDir: ctx.dataDir });
        });
      }
      doc = await ctx.gate.read(() => reportDocument(ctx.store, job));
    } catch (e) {
      if (!isLanternError(e)) throw e;
      // The hint is shared with `lantern report`; on this page the calendar is shown below the form.
      const hint = e.hint?.replace("`lantern report --calendar` shows", "the report calendar on this page shows");
      return reportsPage(request, reply, t, period, 400, `${e.message}${hint ? ` ${hint}` : ""}`, entered);
    }
    // Each PDF starts a Chromium: one at a time, so many requests cannot exhaust the machine.
    const bytes = await printing.run(() => reportBytes(doc, format));
    await ctx.gate.write(() => auditReport(ctx.store, user.username, job, doc, "web"));
    return reply
      .type(format === "pdf" ? "application/pdf" : "text/html; charset=utf-8")
      .header("content-disposition", `attachment; filename="${reportFileName(doc, job)}"`)
      .header("cache-control", "no-store")
      .send(bytes);
  });

  // Liveness: the process answers. Readiness, for a load balancer: its store answers too (a
  // server whose PostgreSQL is down or unreachable should be taken out of the rotation).
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_request, reply) => {
    try {
      await ctx.store.all(`SELECT 1 AS ok`);
      return { ok: true };
    } catch {
      return reply.code(503).header("cache-control", "no-store").send({ ok: false, reason: "the store did not answer" });
    }
  });
  return app;
}
