//! Registrations (đăng ký thi đua): a unit's or a person's pledge, for a plan and a year,
//! of the titles it means to reach; taken until the plan's deadline for that year, or an
//! officer's reopening.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{org_units, registration_deadlines, registrations};
use crate::db::{AnyConnection, Tx, prefix_pattern};
use crate::domain::audit::{self, ChangeAction, Resource, ResourceKind};
use crate::domain::criteria::CriterionSubject;
use crate::domain::plans::{self, Plan};
use crate::domain::subjects::{Seen, Subject};
use crate::domain::{
    Actor, PageRequest, changed_meanwhile, ensure_version, new_id, now, text_enum,
};
use crate::domain::{Error, UnknownStoredValue};
use crate::ids::{OrgUnitId, PlanId, StaffId, UserId};

text_enum! {
    /// The emulation titles (danh hiệu thi đua) of Law 06/2022/QH15, Đ.23–28, that a
    /// registration pledges.
    pub enum Title {
        /// Lao động tiên tiến.
        LaoDongTienTien => "lao_dong_tien_tien",
        /// Chiến sĩ thi đua cơ sở.
        ChienSiThiDuaCoSo => "chien_si_thi_dua_co_so",
        /// Chiến sĩ thi đua cấp tỉnh.
        ChienSiThiDuaCapTinh => "chien_si_thi_dua_cap_tinh",
        /// Chiến sĩ thi đua toàn quốc.
        ChienSiThiDuaToanQuoc => "chien_si_thi_dua_toan_quoc",
        /// Tập thể lao động tiên tiến.
        TapTheLaoDongTienTien => "tap_the_lao_dong_tien_tien",
        /// Tập thể lao động xuất sắc.
        TapTheLaoDongXuatSac => "tap_the_lao_dong_xuat_sac",
        /// Cờ thi đua của UBND tỉnh.
        CoThiDuaCapTinh => "co_thi_dua_cap_tinh",
        /// Cờ thi đua của Chính phủ.
        CoThiDuaChinhPhu => "co_thi_dua_chinh_phu",
    }
}

impl Title {
    /// Whether the title is for a person or for a collective.
    pub fn subject(self) -> CriterionSubject {
        match self {
            Title::LaoDongTienTien
            | Title::ChienSiThiDuaCoSo
            | Title::ChienSiThiDuaCapTinh
            | Title::ChienSiThiDuaToanQuoc => CriterionSubject::Individual,
            _ => CriterionSubject::Collective,
        }
    }
}

text_enum! {
    pub enum RegistrationStatus {
        Active => "active",
        Withdrawn => "withdrawn",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: String,
    pub plan_id: PlanId,
    pub year: i32,
    pub subject: CriterionSubject,
    pub org_unit_id: OrgUnitId,
    pub staff_id: Option<StaffId>,
    #[diesel(deserialize_as = String)]
    pub titles: Titles,
    pub note: Option<String>,
    pub status: RegistrationStatus,
    pub registered_by: Option<UserId>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The titles pledged, stored as comma-separated text: one this version does not know
/// fails the read of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct Titles(pub Vec<Title>);

impl TryFrom<String> for Titles {
    type Error = UnknownStoredValue;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.split(',')
            .filter(|t| !t.is_empty())
            .map(|t| Title::try_from(t.to_string()))
            .collect::<Result<_, _>>()
            .map(Titles)
    }
}

/// In the audit trail as it is stored.
impl Serialize for Titles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text: Vec<&str> = self.0.iter().map(|t| t.as_str()).collect();
        s.serialize_str(&text.join(","))
    }
}

impl Registration {
    pub fn titles(&self) -> Vec<Title> {
        self.titles.0.clone()
    }
}

fn join_titles(titles: &[Title]) -> String {
    titles
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Titles must suit the subject, and appear once each.
pub fn check_titles(kind: CriterionSubject, titles: &[Title]) -> Result<(), Error> {
    if titles.is_empty() {
        return Err(Error::invalid(
            "titles",
            "required",
            "pledge at least one title",
        ));
    }
    for (i, t) in titles.iter().enumerate() {
        if t.subject() != kind {
            return Err(Error::invalid(
                &format!("titles[{i}]"),
                "wrong_subject",
                format!("{t} is not a title for a {kind} subject"),
            ));
        }
        if titles[..i].contains(t) {
            return Err(Error::invalid(
                &format!("titles[{i}]"),
                "duplicate",
                format!("{t} is listed twice"),
            ));
        }
    }
    Ok(())
}

// Deadlines ---------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = registration_deadlines)]
pub struct Deadline {
    pub plan_id: PlanId,
    pub year: i32,
    pub closes_on: NaiveDate,
    pub reopened_until: Option<NaiveDate>,
    pub reopen_reason: Option<String>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Registration is open on `today` unless the deadline has passed and no reopening runs.
pub fn is_open(deadline: Option<&Deadline>, today: NaiveDate) -> bool {
    match deadline {
        None => true,
        Some(d) => today <= d.closes_on || d.reopened_until.is_some_and(|until| today <= until),
    }
}

pub fn find_deadline(
    conn: &mut AnyConnection,
    plan_id: &PlanId,
    year: i32,
) -> QueryResult<Option<Deadline>> {
    registration_deadlines::table
        .find((plan_id, year))
        .select(Deadline::as_select())
        .get_result(conn)
        .optional()
}

pub fn list_deadlines(conn: &mut AnyConnection, plan_id: &PlanId) -> QueryResult<Vec<Deadline>> {
    registration_deadlines::table
        .filter(registration_deadlines::plan_id.eq(plan_id))
        .order(registration_deadlines::year)
        .select(Deadline::as_select())
        .load(conn)
}

/// What an officer sets for a year: the closing day, and a reopening with its reason.
#[derive(Debug, Clone)]
pub struct DeadlineFields {
    pub closes_on: NaiveDate,
    pub reopened_until: Option<NaiveDate>,
    pub reopen_reason: Option<String>,
}

/// Sets (or replaces, naming the version read) a year's registration deadline.
pub fn set_deadline(
    tx: &mut Tx<'_>,
    actor: &Actor,
    plan: &Plan,
    year: i32,
    f: DeadlineFields,
    expected_version: Option<i64>,
) -> Result<Deadline, Error> {
    plans::ensure_year_in_plan(tx, &plan.id, year)?;
    if f.closes_on.year() != year {
        return Err(Error::invalid(
            "closes_on",
            "outside_year",
            "registration for a year closes within that year",
        ));
    }
    if let Some(until) = f.reopened_until {
        if until <= f.closes_on {
            return Err(Error::invalid(
                "reopened_until",
                "before_deadline",
                "a reopening ends after the deadline",
            ));
        }
        if f.reopen_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
        {
            return Err(Error::invalid(
                "reopen_reason",
                "required",
                "say why registration reopens",
            ));
        }
    }
    let current = find_deadline(tx, &plan.id, year)?;
    let at = now();
    let (row, action): (Deadline, _) = match (&current, expected_version) {
        (None, _) => (
            diesel::insert_into(registration_deadlines::table)
                .values((
                    registration_deadlines::plan_id.eq(&plan.id),
                    registration_deadlines::year.eq(year),
                    registration_deadlines::closes_on.eq(f.closes_on),
                    registration_deadlines::reopened_until.eq(f.reopened_until),
                    registration_deadlines::reopen_reason.eq(&f.reopen_reason),
                    registration_deadlines::version.eq(1),
                    registration_deadlines::created_at.eq(at),
                    registration_deadlines::updated_at.eq(at),
                ))
                .returning(registration_deadlines::all_columns)
                .get_result(tx.conn())?,
            ChangeAction::Created,
        ),
        (Some(_), None) => return Err(Error::precondition_required()),
        (Some(d), Some(v)) => {
            ensure_version(d.version, v)?;
            (
                diesel::update(
                    registration_deadlines::table
                        .find((&plan.id, year))
                        .filter(registration_deadlines::version.eq(d.version)),
                )
                .set((
                    registration_deadlines::closes_on.eq(f.closes_on),
                    registration_deadlines::reopened_until.eq(f.reopened_until),
                    registration_deadlines::reopen_reason.eq(&f.reopen_reason),
                    registration_deadlines::version.eq(d.version + 1),
                    registration_deadlines::updated_at.eq(at),
                ))
                .returning(registration_deadlines::all_columns)
                .get_result(tx.conn())
                .map_err(changed_meanwhile)?,
                ChangeAction::Updated,
            )
        }
    };
    let id = format!("{}/{}", row.plan_id, row.year);
    let resource = Resource {
        kind: ResourceKind::RegistrationDeadline,
        id: &id,
        version: row.version,
    };
    audit::record_change(tx, actor, action, resource, current.as_ref(), Some(&row))?;
    Ok(row)
}

fn ensure_open(conn: &mut AnyConnection, plan_id: &PlanId, year: i32) -> Result<(), Error> {
    let deadline = find_deadline(conn, plan_id, year)?;
    if is_open(deadline.as_ref(), crate::domain::today()) {
        Ok(())
    } else {
        let closed = deadline
            .map(|d| d.closes_on.to_string())
            .unwrap_or_default();
        Err(Error::conflict(
            "registration_closed",
            format!(
                "Registration for {year} closed on {closed}; an officer of the plan may reopen it."
            ),
        ))
    }
}

// Registrations -----------------------------------------------------------------------

/// A registration with the path of its subject's unit, which decides who sees it.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<(Registration, String)>> {
    registrations::table
        .inner_join(org_units::table)
        .filter(registrations::id.eq(id))
        .select((Registration::as_select(), org_units::path))
        .first(conn)
        .optional()
}

/// Registers a subject for a plan's year. The plan must run and reach the subject's unit.
#[expect(clippy::too_many_arguments, reason = "the fields of a registration")]
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    plan: &Plan,
    issuer_path: &str,
    subject: &Subject,
    year: i32,
    titles: &[Title],
    note: Option<String>,
) -> Result<Registration, Error> {
    plans::ensure_running(plan)?;
    plans::ensure_year_in_plan(tx, &plan.id, year)?;
    if !plans::reaches(issuer_path, &subject.unit_path) {
        return Err(Error::invalid(
            subject_field(subject),
            "outside_plan",
            "the plan does not apply to this unit: it reaches the units below its issuer",
        ));
    }
    check_titles(subject.kind, titles)?;
    ensure_open(tx, &plan.id, year)?;
    let mut taken = registrations::table
        .filter(registrations::plan_id.eq(&plan.id))
        .filter(registrations::year.eq(year))
        .select(registrations::id)
        .into_boxed();
    taken = match &subject.staff_id {
        Some(s) => taken.filter(registrations::staff_id.eq(s.clone())),
        None => taken
            .filter(registrations::staff_id.is_null())
            .filter(registrations::org_unit_id.eq(subject.org_unit_id.clone())),
    };
    if let Some(existing) = taken.first::<String>(tx.conn()).optional()? {
        return Err(Error::conflict_field(
            subject_field(subject),
            "already_registered",
            format!(
                "already registered for this plan and year as {existing}; change that registration"
            ),
        ));
    }
    let at = now();
    let row: Registration = diesel::insert_into(registrations::table)
        .values((
            registrations::id.eq(new_id()),
            registrations::plan_id.eq(&plan.id),
            registrations::year.eq(year),
            registrations::subject.eq(subject.kind.as_str()),
            registrations::org_unit_id.eq(&subject.org_unit_id),
            registrations::staff_id.eq(&subject.staff_id),
            registrations::titles.eq(join_titles(titles)),
            registrations::note.eq(note),
            registrations::status.eq(RegistrationStatus::Active.as_str()),
            registrations::registered_by.eq(&actor.user_id),
            registrations::version.eq(1),
            registrations::created_at.eq(at),
            registrations::updated_at.eq(at),
        ))
        .returning(registrations::all_columns)
        .get_result(tx.conn())?;
    let resource = Resource {
        kind: ResourceKind::Registration,
        id: row.id.as_str(),
        version: row.version,
    };
    audit::record_change(tx, actor, ChangeAction::Created, resource, None, Some(&row))?;
    Ok(row)
}

fn subject_field(subject: &Subject) -> &'static str {
    if subject.staff_id.is_some() {
        "staff_id"
    } else {
        "org_unit_id"
    }
}

/// What a change of a registration may set.
#[derive(Debug, Clone, Default)]
pub struct RegistrationChange {
    pub titles: Option<Vec<Title>>,
    pub note: Option<Option<String>>,
    pub status: Option<RegistrationStatus>,
}

/// Changes the titles, the note or the status (withdrawn, or active again) before the deadline.
pub fn update(
    tx: &mut Tx<'_>,
    actor: &Actor,
    plan: &Plan,
    current: Registration,
    expected_version: i64,
    change: RegistrationChange,
) -> Result<Registration, Error> {
    ensure_version(current.version, expected_version)?;
    plans::ensure_running(plan)?;
    let kind = current.subject;
    let titles = change.titles.unwrap_or_else(|| current.titles());
    check_titles(kind, &titles)?;
    ensure_open(tx, &current.plan_id, current.year)?;
    let status = change.status.unwrap_or(current.status);
    let note = change.note.unwrap_or_else(|| current.note.clone());
    let row: Registration = diesel::update(
        registrations::table
            .find(&current.id)
            .filter(registrations::version.eq(current.version)),
    )
    .set((
        registrations::titles.eq(join_titles(&titles)),
        registrations::note.eq(note),
        registrations::status.eq(status.as_str()),
        registrations::version.eq(current.version + 1),
        registrations::updated_at.eq(now()),
    ))
    .returning(registrations::all_columns)
    .get_result(tx.conn())
    .map_err(changed_meanwhile)?;
    let action = if status == RegistrationStatus::Withdrawn && current.status != row.status {
        ChangeAction::Archived
    } else {
        ChangeAction::Updated
    };
    let resource = Resource {
        kind: ResourceKind::Registration,
        id: row.id.as_str(),
        version: row.version,
    };
    audit::record_change(tx, actor, action, resource, Some(&current), Some(&row))?;
    Ok(row)
}

#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    pub plan_id: Option<PlanId>,
    pub year: Option<i32>,
    pub subject: Option<CriterionSubject>,
    pub status: Option<RegistrationStatus>,
    pub title: Option<Title>,
    /// Registrations of this unit and the units and staff below it.
    pub under_unit_path: Option<String>,
    pub staff_id: Option<StaffId>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// The registrations the caller sees, newest first.
pub fn list(
    conn: &mut AnyConnection,
    seen: &Seen,
    filter: &RegistrationFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Registration>, i64)> {
    let query = || {
        let mut q = registrations::table
            .inner_join(org_units::table)
            .into_boxed();
        q = match seen {
            Seen::All => q,
            Seen::UnitsUnder(prefix) => q.filter(org_units::path.like(prefix_pattern(prefix))),
            Seen::Staff(id) => q.filter(registrations::staff_id.eq(id.clone())),
            Seen::Nothing => q.filter(registrations::id.is_null()),
        };
        if let Some(v) = &filter.plan_id {
            q = q.filter(registrations::plan_id.eq(v.clone()));
        }
        if let Some(v) = filter.year {
            q = q.filter(registrations::year.eq(v));
        }
        if let Some(v) = filter.subject {
            q = q.filter(registrations::subject.eq(v.as_str()));
        }
        if let Some(v) = filter.status {
            q = q.filter(registrations::status.eq(v.as_str()));
        }
        if let Some(t) = filter.title {
            // Titles are stored comma-separated; commas around each make the match exact.
            q = q.filter(
                (diesel::dsl::sql::<diesel::sql_types::Text>("',' || registrations.titles || ','"))
                    .like(format!("%,{},%", t.as_str())),
            );
        }
        if let Some(path) = &filter.under_unit_path {
            q = q.filter(org_units::path.like(prefix_pattern(path)));
        }
        if let Some(v) = &filter.staff_id {
            q = q.filter(registrations::staff_id.eq(v.clone()));
        }
        if let Some(since) = filter.updated_since {
            q = q.filter(registrations::updated_at.ge(since));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order((registrations::created_at.desc(), registrations::id.desc()))
        .offset(page.offset())
        .limit(page.per_page)
        .select(Registration::as_select())
        .load(conn)?;
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_titles_read_strictly_and_audit_as_stored() {
        let titles = Titles::try_from("lao_dong_tien_tien,chien_si_thi_dua_co_so".to_string());
        let titles = titles.unwrap();
        assert_eq!(titles.0.len(), 2);
        assert_eq!(
            serde_json::to_value(&titles).unwrap(),
            "lao_dong_tien_tien,chien_si_thi_dua_co_so"
        );
        assert_eq!(Titles::try_from(String::new()).unwrap().0, vec![]);
        let unknown = Titles::try_from("lao_dong_tien_tien,ngoi_sao".to_string()).unwrap_err();
        assert_eq!(unknown.text, "ngoi_sao");
    }

    fn deadline(closes: &str, until: Option<&str>) -> Deadline {
        Deadline {
            plan_id: "p".into(),
            year: 2026,
            closes_on: closes.parse().unwrap(),
            reopened_until: until.map(|u| u.parse().unwrap()),
            reopen_reason: None,
            version: 1,
            created_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn open_until_the_deadline_or_a_reopening() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(is_open(None, d("2026-12-31")));
        let closed = deadline("2026-03-31", None);
        assert!(is_open(Some(&closed), d("2026-03-31")));
        assert!(!is_open(Some(&closed), d("2026-04-01")));
        let reopened = deadline("2026-03-31", Some("2026-04-15"));
        assert!(is_open(Some(&reopened), d("2026-04-15")));
        assert!(!is_open(Some(&reopened), d("2026-04-16")));
    }

    #[test]
    fn titles_suit_their_subject() {
        use CriterionSubject::*;
        assert!(check_titles(Individual, &[Title::LaoDongTienTien]).is_ok());
        assert!(check_titles(Individual, &[Title::TapTheLaoDongXuatSac]).is_err());
        assert!(check_titles(Collective, &[]).is_err());
        assert!(
            check_titles(
                Collective,
                &[Title::TapTheLaoDongTienTien, Title::TapTheLaoDongTienTien]
            )
            .is_err()
        );
    }
}
