/**
 * @module
 * The Standard Safeguarding Dataset (SSD) tables Lantern stores, with the SSD's own column names
 * (live SQL v1.4.5, `../shared/research/standards.md` §1.2), so an analyst who knows the SSD can
 * read the database. This registry is the single source for migrations, import validation, the
 * synthetic generator and exports. It deliberately holds only the tables the KPIs and returns
 * use; more SSD tables are added here, one entry each, never by ad-hoc DDL elsewhere.
 *
 * Type kinds: `id` and `text` are strings, `date` is a calendar date (`YYYY-MM-DD`; the SSD's
 * DATETIME values are kept to the day, since every KPI counts days), `int` and `float` numbers,
 * `flag` a one-letter Y/N (or other short code), `json` a JSON text kept as given.
 */

export type ColumnKind = "id" | "text" | "date" | "int" | "float" | "flag" | "json";

/** One column of an SSD table. */
export interface SsdColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Blank values are refused. */
  readonly required?: boolean;
  /** The value must exist as this `table.column` in the same load (or the authority's current data). */
  readonly references?: string;
  /** For `flag`/`text` columns with a closed code set. */
  readonly codes?: readonly string[];
  /**
   * Lantern's own column, not in the SSD: what another format carries and the SSD records another
   * way (Ofsted's Annex A gives a count of a child's previous plans where the SSD holds the plans).
   * An SSD export without it is read without a word; Lantern's own exports write it.
   */
  readonly lantern?: boolean;
}

/** One SSD table. */
export interface SsdTable {
  readonly name: string;
  /** The SSD's four-letter column prefix. */
  readonly prefix: string;
  /** The primary key column (unique within a load). */
  readonly key: string;
  /** The column that names the child, when the table is about one. */
  readonly person?: string;
  readonly columns: readonly SsdColumn[];
  /** Pairs of columns [start, end] where end, when given, must not be before start. */
  readonly dateOrder?: readonly (readonly [string, string])[];
}

const YN = ["Y", "N"] as const;

function id(name: string, extra: Partial<SsdColumn> = {}): SsdColumn {
  return { name, kind: "id", ...extra };
}
function text(name: string, extra: Partial<SsdColumn> = {}): SsdColumn {
  return { name, kind: "text", ...extra };
}
function date(name: string, extra: Partial<SsdColumn> = {}): SsdColumn {
  return { name, kind: "date", ...extra };
}
function int(name: string): SsdColumn {
  return { name, kind: "int" };
}
function float(name: string): SsdColumn {
  return { name, kind: "float" };
}
function flag(name: string, codes: readonly string[] = YN): SsdColumn {
  return { name, kind: "flag", codes };
}
function json(name: string): SsdColumn {
  return { name, kind: "json" };
}
const PERSON = "ssd_person.pers_person_id";

/** Every SSD table Lantern stores, in load order (referenced tables first). */
export const SSD_TABLES: readonly SsdTable[] = [
  {
    name: "ssd_person",
    prefix: "pers",
    key: "pers_person_id",
    person: "pers_person_id",
    columns: [
      id("pers_person_id", { required: true }),
      id("pers_legacy_id"),
      text("pers_upn"),
      text("pers_forename"),
      text("pers_surname"),
      text("pers_sex"),
      text("pers_gender"),
      text("pers_ethnicity"),
      date("pers_dob"),
      text("pers_single_unique_id"),
      text("pers_upn_unknown"),
      flag("pers_send_flag"),
      date("pers_expected_dob"),
      date("pers_death_date"),
      flag("pers_is_mother"),
      text("pers_nationality"),
    ],
  },
  {
    name: "ssd_department",
    prefix: "dept",
    key: "dept_team_id",
    columns: [
      id("dept_team_id", { required: true }),
      text("dept_team_name"),
      id("dept_team_parent_id"),
      text("dept_team_parent_name"),
    ],
  },
  {
    name: "ssd_professionals",
    prefix: "prof",
    key: "prof_professional_id",
    columns: [
      id("prof_professional_id", { required: true }),
      id("prof_staff_id"),
      text("prof_professional_name"),
      text("prof_social_worker_registration_no"),
      flag("prof_agency_worker_flag"),
      text("prof_professional_job_title"),
      int("prof_professional_caseload"),
      text("prof_professional_department"),
      float("prof_full_time_equivalency"),
    ],
  },
  {
    name: "ssd_disability",
    prefix: "disa",
    key: "disa_table_id",
    person: "disa_person_id",
    columns: [
      id("disa_table_id", { required: true }),
      id("disa_person_id", { required: true, references: PERSON }),
      text("disa_disability_code", { required: true }),
    ],
  },
  {
    name: "ssd_immigration_status",
    prefix: "immi",
    key: "immi_immigration_status_id",
    person: "immi_person_id",
    columns: [
      id("immi_immigration_status_id", { required: true }),
      id("immi_person_id", { required: true, references: PERSON }),
      text("immi_immigration_status", { required: true }),
      date("immi_immigration_status_start_date"),
      date("immi_immigration_status_end_date"),
    ],
    dateOrder: [["immi_immigration_status_start_date", "immi_immigration_status_end_date"]],
  },
  {
    name: "ssd_contacts",
    prefix: "cont",
    key: "cont_contact_id",
    person: "cont_person_id",
    columns: [
      id("cont_contact_id", { required: true }),
      id("cont_person_id", { required: true, references: PERSON }),
      date("cont_contact_date", { required: true }),
      text("cont_contact_source_code"),
      text("cont_contact_source_desc"),
      json("cont_contact_outcome_json"),
    ],
  },
  {
    name: "ssd_early_help_episodes",
    prefix: "earl",
    key: "earl_episode_id",
    person: "earl_person_id",
    columns: [
      id("earl_episode_id", { required: true }),
      id("earl_person_id", { required: true, references: PERSON }),
      date("earl_episode_start_date", { required: true }),
      date("earl_episode_end_date"),
      text("earl_episode_reason"),
      text("earl_episode_end_reason"),
      text("earl_episode_organisation"),
      id("earl_episode_worker_id"),
    ],
    dateOrder: [["earl_episode_start_date", "earl_episode_end_date"]],
  },
  {
    name: "ssd_cin_episodes",
    prefix: "cine",
    key: "cine_referral_id",
    person: "cine_person_id",
    columns: [
      id("cine_referral_id", { required: true }),
      id("cine_person_id", { required: true, references: PERSON }),
      date("cine_referral_date", { required: true }),
      text("cine_cin_primary_need_code"),
      text("cine_referral_source_code"),
      text("cine_referral_source_desc"),
      json("cine_referral_outcome_json"),
      flag("cine_referral_nfa"),
      text("cine_close_reason"),
      date("cine_close_date"),
      id("cine_referral_team"),
      id("cine_referral_worker_id"),
    ],
    dateOrder: [["cine_referral_date", "cine_close_date"]],
  },
  {
    name: "ssd_cin_assessments",
    prefix: "cina",
    key: "cina_assessment_id",
    person: "cina_person_id",
    columns: [
      id("cina_assessment_id", { required: true }),
      id("cina_person_id", { required: true, references: PERSON }),
      id("cina_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
      date("cina_assessment_start_date", { required: true }),
      flag("cina_assessment_child_seen"),
      date("cina_assessment_auth_date"),
      json("cina_assessment_outcome_json"),
      flag("cina_assessment_outcome_nfa"),
      id("cina_assessment_team"),
      id("cina_assessment_worker_id"),
    ],
    dateOrder: [["cina_assessment_start_date", "cina_assessment_auth_date"]],
  },
  {
    name: "ssd_assessment_factors",
    prefix: "cinf",
    key: "cinf_table_id",
    columns: [
      id("cinf_table_id", { required: true }),
      id("cinf_assessment_id", { required: true, references: "ssd_cin_assessments.cina_assessment_id" }),
      json("cinf_assessment_factors_json"),
    ],
  },
  {
    name: "ssd_cin_plans",
    prefix: "cinp",
    key: "cinp_cin_plan_id",
    person: "cinp_person_id",
    columns: [
      id("cinp_cin_plan_id", { required: true }),
      id("cinp_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
      id("cinp_person_id", { required: true, references: PERSON }),
      date("cinp_cin_plan_start_date", { required: true }),
      date("cinp_cin_plan_end_date"),
      id("cinp_cin_plan_team"),
      id("cinp_cin_plan_worker_id"),
    ],
    dateOrder: [["cinp_cin_plan_start_date", "cinp_cin_plan_end_date"]],
  },
  {
    name: "ssd_cin_visits",
    prefix: "cinv",
    key: "cinv_cin_visit_id",
    person: "cinv_person_id",
    columns: [
      id("cinv_cin_visit_id", { required: true }),
      id("cinv_person_id", { required: true, references: PERSON }),
      date("cinv_cin_visit_date", { required: true }),
      flag("cinv_cin_visit_seen"),
      flag("cinv_cin_visit_seen_alone"),
      flag("cinv_cin_visit_bedroom"),
    ],
  },
  {
    name: "ssd_s47_enquiry",
    prefix: "s47e",
    key: "s47e_s47_enquiry_id",
    person: "s47e_person_id",
    columns: [
      id("s47e_s47_enquiry_id", { required: true }),
      id("s47e_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
      id("s47e_person_id", { required: true, references: PERSON }),
      date("s47e_s47_start_date", { required: true }),
      date("s47e_s47_end_date"),
      flag("s47e_s47_nfa"),
      json("s47e_s47_outcome_json"),
      id("s47e_s47_completed_by_team"),
      id("s47e_s47_completed_by_worker_id"),
    ],
    dateOrder: [["s47e_s47_start_date", "s47e_s47_end_date"]],
  },
  {
    name: "ssd_initial_cp_conference",
    prefix: "icpc",
    key: "icpc_icpc_id",
    person: "icpc_person_id",
    columns: [
      id("icpc_icpc_id", { required: true }),
      id("icpc_icpc_meeting_id"),
      id("icpc_s47_enquiry_id", { references: "ssd_s47_enquiry.s47e_s47_enquiry_id" }),
      id("icpc_person_id", { required: true, references: PERSON }),
      id("icpc_cp_plan_id"),
      id("icpc_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
      flag("icpc_icpc_transfer_in"),
      date("icpc_icpc_target_date"),
      date("icpc_icpc_date", { required: true }),
      flag("icpc_icpc_outcome_cp_flag"),
      json("icpc_icpc_outcome_json"),
      id("icpc_icpc_team"),
      id("icpc_icpc_worker_id"),
    ],
  },
  {
    name: "ssd_cp_plans",
    prefix: "cppl",
    key: "cppl_cp_plan_id",
    person: "cppl_person_id",
    columns: [
      id("cppl_cp_plan_id", { required: true }),
      id("cppl_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
      id("cppl_icpc_id", { references: "ssd_initial_cp_conference.icpc_icpc_id" }),
      id("cppl_person_id", { required: true, references: PERSON }),
      date("cppl_cp_plan_start_date", { required: true }),
      date("cppl_cp_plan_end_date"),
      flag("cppl_cp_plan_ola"),
      text("cppl_cp_plan_initial_category"),
      text("cppl_cp_plan_latest_category"),
      // Annex A List 7's "Number of Previous Child Protection Plans", which may count plans the data does not hold.
      { name: "cppl_previous_plans", kind: "int", lantern: true },
    ],
    dateOrder: [["cppl_cp_plan_start_date", "cppl_cp_plan_end_date"]],
  },
  {
    name: "ssd_cp_visits",
    prefix: "cppv",
    key: "cppv_cp_visit_id",
    person: "cppv_person_id",
    columns: [
      id("cppv_cp_visit_id", { required: true }),
      id("cppv_person_id", { required: true, references: PERSON }),
      id("cppv_cp_plan_id", { references: "ssd_cp_plans.cppl_cp_plan_id" }),
      date("cppv_cp_visit_date", { required: true }),
      flag("cppv_cp_visit_seen"),
      flag("cppv_cp_visit_seen_alone"),
      flag("cppv_cp_visit_bedroom"),
    ],
  },
  {
    name: "ssd_cp_reviews",
    prefix: "cppr",
    key: "cppr_cp_review_id",
    person: "cppr_person_id",
    columns: [
      id("cppr_cp_review_id", { required: true }),
      id("cppr_person_id", { required: true, references: PERSON }),
      id("cppr_cp_plan_id", { references: "ssd_cp_plans.cppl_cp_plan_id" }),
      date("cppr_cp_review_due"),
      date("cppr_cp_review_date"),
      id("cppr_cp_review_meeting_id"),
      flag("cppr_cp_review_outcome_continue_cp"),
      flag("cppr_cp_review_quorate"),
      text("cppr_cp_review_participation"),
    ],
  },
  {
    name: "ssd_cla_placement",
    prefix: "clap",
    key: "clap_cla_placement_id",
    person: "clap_person_id",
    columns: [
      id("clap_cla_placement_id", { required: true }),
      id("clap_cla_id"),
      id("clap_person_id", { required: true, references: PERSON }),
      date("clap_cla_placement_start_date", { required: true }),
      text("clap_cla_placement_type"),
      text("clap_cla_placement_urn"),
      float("clap_cla_placement_distance"),
      text("clap_cla_placement_provider"),
      text("clap_cla_placement_postcode"),
      date("clap_cla_placement_end_date"),
      text("clap_cla_placement_change_reason"),
    ],
    dateOrder: [["clap_cla_placement_start_date", "clap_cla_placement_end_date"]],
  },
  {
    name: "ssd_cla_episodes",
    prefix: "clae",
    key: "clae_cla_episode_id",
    person: "clae_person_id",
    columns: [
      id("clae_cla_episode_id", { required: true }),
      id("clae_person_id", { required: true, references: PERSON }),
      id("clae_cla_placement_id", { references: "ssd_cla_placement.clap_cla_placement_id" }),
      date("clae_cla_episode_start_date", { required: true }),
      text("clae_cla_episode_start_reason"),
      text("clae_cla_primary_need_code"),
      date("clae_cla_episode_ceased_date"),
      text("clae_cla_episode_ceased_reason"),
      id("clae_cla_id"),
      id("clae_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
      date("clae_cla_last_iro_contact_date"),
      date("clae_entered_care_date"),
      // Annex A List 8's "Number of Placements in the Last 12 months" (to the list's date): the list holds the latest placement only.
      { name: "clae_placements_12m", kind: "int", lantern: true },
    ],
    dateOrder: [["clae_cla_episode_start_date", "clae_cla_episode_ceased_date"]],
  },
  {
    name: "ssd_cla_reviews",
    prefix: "clar",
    key: "clar_cla_review_id",
    person: "clar_cla_person_id",
    columns: [
      id("clar_cla_review_id", { required: true }),
      id("clar_cla_id"),
      id("clar_cla_person_id", { references: PERSON }),
      date("clar_cla_review_due_date"),
      date("clar_cla_review_date"),
      flag("clar_cla_review_cancelled"),
      text("clar_cla_review_participation"),
    ],
  },
  {
    name: "ssd_cla_visits",
    prefix: "clav",
    key: "clav_cla_visit_id",
    person: "clav_person_id",
    columns: [
      id("clav_cla_visit_id", { required: true }),
      id("clav_cla_id"),
      id("clav_person_id", { required: true, references: PERSON }),
      date("clav_cla_visit_date", { required: true }),
      flag("clav_cla_visit_seen"),
      flag("clav_cla_visit_seen_alone"),
    ],
  },
  {
    name: "ssd_legal_status",
    prefix: "lega",
    key: "lega_legal_status_id",
    person: "lega_person_id",
    columns: [
      id("lega_legal_status_id", { required: true }),
      id("lega_person_id", { required: true, references: PERSON }),
      text("lega_legal_status", { required: true }),
      date("lega_legal_status_start_date", { required: true }),
      date("lega_legal_status_end_date"),
    ],
    dateOrder: [["lega_legal_status_start_date", "lega_legal_status_end_date"]],
  },
  {
    name: "ssd_missing",
    prefix: "miss",
    key: "miss_table_id",
    person: "miss_person_id",
    columns: [
      id("miss_table_id", { required: true }),
      id("miss_person_id", { required: true, references: PERSON }),
      date("miss_missing_episode_start_date", { required: true }),
      text("miss_missing_episode_type"),
      date("miss_missing_episode_end_date"),
      flag("miss_missing_rhi_offered"),
      flag("miss_missing_rhi_accepted"),
    ],
    dateOrder: [["miss_missing_episode_start_date", "miss_missing_episode_end_date"]],
  },
  {
    name: "ssd_care_leavers",
    prefix: "clea",
    key: "clea_table_id",
    person: "clea_person_id",
    columns: [
      id("clea_table_id", { required: true }),
      id("clea_person_id", { required: true, references: PERSON }),
      text("clea_care_leaver_eligibility"),
      text("clea_care_leaver_in_touch"),
      date("clea_care_leaver_latest_contact"),
      text("clea_care_leaver_accommodation"),
      text("clea_care_leaver_accom_suitable"),
      text("clea_care_leaver_activity"),
      date("clea_pathway_plan_review_date"),
      text("clea_care_leaver_personal_advisor"),
      id("clea_care_leaver_allocated_team"),
      id("clea_care_leaver_worker_id"),
    ],
  },
  {
    name: "ssd_permanence",
    prefix: "perm",
    key: "perm_table_id",
    person: "perm_person_id",
    columns: [
      id("perm_table_id", { required: true }),
      id("perm_person_id", { required: true, references: PERSON }),
      id("perm_cla_id"),
      date("perm_adm_decision_date"),
      flag("perm_part_of_sibling_group"),
      int("perm_siblings_placed_together"),
      int("perm_siblings_placed_apart"),
      date("perm_ffa_cp_decision_date"),
      date("perm_placement_order_date"),
      date("perm_matched_date"),
      text("perm_adopter_sex"),
      text("perm_adopter_legal_status"),
      int("perm_number_of_adopters"),
      date("perm_placed_for_adoption_date"),
      flag("perm_adopted_by_carer_flag"),
      date("perm_placed_foster_carer_date"),
      date("perm_placed_ffa_cp_date"),
      text("perm_placement_provider_urn"),
      date("perm_decision_reversed_date"),
      text("perm_decision_reversed_reason"),
      date("perm_permanence_order_date"),
      text("perm_permanence_order_type"),
      id("perm_adoption_worker_id"),
    ],
  },
  {
    name: "ssd_involvements",
    prefix: "invo",
    key: "invo_involvements_id",
    person: "invo_person_id",
    columns: [
      id("invo_involvements_id", { required: true }),
      id("invo_professional_id", { references: "ssd_professionals.prof_professional_id" }),
      text("invo_professional_role_id"),
      id("invo_professional_team"),
      id("invo_person_id", { required: true, references: PERSON }),
      date("invo_involvement_start_date", { required: true }),
      date("invo_involvement_end_date"),
      text("invo_worker_change_reason"),
      id("invo_referral_id", { references: "ssd_cin_episodes.cine_referral_id" }),
    ],
    dateOrder: [["invo_involvement_start_date", "invo_involvement_end_date"]],
  },
  {
    name: "ssd_send",
    prefix: "send",
    key: "send_table_id",
    person: "send_person_id",
    columns: [
      id("send_table_id", { required: true }),
      id("send_person_id", { required: true, references: PERSON }),
      text("send_upn"),
      text("send_uln"),
      text("send_upn_unknown"),
    ],
  },
  {
    name: "ssd_ehcp_requests",
    prefix: "ehcr",
    key: "ehcr_ehcp_request_id",
    columns: [
      id("ehcr_ehcp_request_id", { required: true }),
      id("ehcr_send_table_id", { references: "ssd_send.send_table_id" }),
      date("ehcr_ehcp_req_date", { required: true }),
      date("ehcr_ehcp_req_outcome_date"),
      text("ehcr_ehcp_req_outcome"),
    ],
    dateOrder: [["ehcr_ehcp_req_date", "ehcr_ehcp_req_outcome_date"]],
  },
  {
    name: "ssd_ehcp_assessment",
    prefix: "ehca",
    key: "ehca_ehcp_assessment_id",
    columns: [
      id("ehca_ehcp_assessment_id", { required: true }),
      id("ehca_ehcp_request_id", { required: true, references: "ssd_ehcp_requests.ehcr_ehcp_request_id" }),
      date("ehca_ehcp_assessment_outcome_date"),
      text("ehca_ehcp_assessment_outcome"),
      text("ehca_ehcp_assessment_exceptions"),
    ],
  },
  {
    name: "ssd_ehcp_named_plan",
    prefix: "ehcn",
    key: "ehcn_named_plan_id",
    columns: [
      id("ehcn_named_plan_id", { required: true }),
      id("ehcn_ehcp_asmt_id", { required: true, references: "ssd_ehcp_assessment.ehca_ehcp_assessment_id" }),
      date("ehcn_named_plan_start_date", { required: true }),
      date("ehcn_named_plan_ceased_date"),
      text("ehcn_named_plan_ceased_reason"),
    ],
    dateOrder: [["ehcn_named_plan_start_date", "ehcn_named_plan_ceased_date"]],
  },
  {
    name: "ssd_ehcp_active_plans",
    prefix: "ehcp",
    key: "ehcp_active_ehcp_id",
    columns: [
      id("ehcp_active_ehcp_id", { required: true }),
      id("ehcp_ehcp_request_id", { required: true, references: "ssd_ehcp_requests.ehcr_ehcp_request_id" }),
      date("ehcp_active_ehcp_last_review_date"),
    ],
  },
];

const BY_NAME = new Map(SSD_TABLES.map((t) => [t.name, t]));

/** The table named, or undefined. */
export function ssdTable(name: string): SsdTable | undefined {
  return BY_NAME.get(name);
}

/** The table named; throws for a name not in the registry (a programming error). */
export function requireSsdTable(name: string): SsdTable {
  const t = BY_NAME.get(name);
  if (!t) throw new Error(`unknown SSD table ${name}`);
  return t;
}

/** The SQL type a column kind is stored as (portable to DuckDB and PostgreSQL). */
export function sqlType(kind: ColumnKind): string {
  switch (kind) {
    case "date":
      return "DATE";
    case "int":
      return "INTEGER";
    case "float":
      return "DOUBLE PRECISION";
    default:
      return "VARCHAR";
  }
}
