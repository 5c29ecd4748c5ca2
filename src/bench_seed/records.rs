//! The bulk of the bench data, written as rows in multi-row statements (`bulk!`) with the
//! derived columns the app keeps and a change event per row: units, staff, registrations,
//! evidence, learning records, decisions, nominations and awards.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::words::{
    AGENCIES, CATEGORIES, COURSES, DIVISIONS, EVIDENCE_TEXT, PERIODS, POSITIONS, Rng, at_on,
    day_in, person, place,
};
use super::{Decisions, Load, Person, SeededPlan, Unit, bulk, change_events, rows_per_insert};
use thidua::db::Tx;
use thidua::db::schema::{
    award_decisions, award_types, awards, evidence, evidence_history, learning_records,
    nominations, org_units, registrations, staff,
};
use thidua::domain::criteria::{Criterion, CriterionSubject, Measure};
use thidua::domain::{self, new_id};
use thidua::error::ApiError;
use thidua::on_backend;
use thidua::text::{fold, nfc, person_sort_key, sort_key};

/// Units: the province, its offices with their divisions, and the communes.
pub(super) fn units(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
) -> Result<Vec<Unit>, ApiError> {
    let (opts, p, province, load_at) = (load.opts, &load.p, &load.province, load.load_at);
    let mut units: Vec<Unit> = Vec::with_capacity(opts.units);
    let mut unit_rows = Vec::with_capacity(opts.units);
    let mut push_unit = |units: &mut Vec<Unit>,
                         code: String,
                         name: String,
                         kind: &'static str,
                         parent: Option<usize>| {
        let id = thidua::ids::OrgUnitId::new();
        let (parent_id, path) = match parent {
            Some(i) => (Some(units[i].id.clone()), format!("{}{id}/", units[i].path)),
            None => (None, format!("/{id}/")),
        };
        let name = nfc(&name);
        let name_copy = name.clone();
        unit_rows.push((
            org_units::id.eq(id.clone()),
            org_units::code.eq(code),
            org_units::name_search.eq(fold(&name)),
            org_units::name_sort.eq(sort_key(&name)),
            org_units::name.eq(name),
            org_units::kind.eq(kind),
            org_units::parent_id.eq(parent_id),
            org_units::path.eq(path.clone()),
            org_units::active.eq(true),
            org_units::version.eq(1i64),
            org_units::created_at.eq(load_at),
            org_units::updated_at.eq(load_at),
        ));
        units.push(Unit {
            id,
            path,
            name: name_copy,
        });
    };
    push_unit(
        &mut units,
        format!("{p}-TINH"),
        format!("Ủy ban nhân dân tỉnh {province}"),
        "province",
        None,
    );
    let rest = opts.units - 1;
    let agencies = (rest / 15).clamp(1, AGENCIES.len()).min(rest);
    let divisions_each = ((rest - agencies) / 3)
        .checked_div(agencies)
        .unwrap_or(0)
        .min(DIVISIONS.len());
    for (a, agency_name) in AGENCIES.iter().enumerate().take(agencies) {
        push_unit(
            &mut units,
            format!("{p}-S{:02}", a + 1),
            agency_name.to_string(),
            if agency_name.starts_with("Trường") || agency_name.starts_with("Đài") {
                "service_unit"
            } else {
                "agency"
            },
            Some(0),
        );
        let agency = units.len() - 1;
        for (d, division) in DIVISIONS.iter().enumerate().take(divisions_each) {
            push_unit(
                &mut units,
                format!("{p}-S{:02}-P{:02}", a + 1, d + 1),
                division.to_string(),
                "division",
                Some(agency),
            );
        }
    }
    let mut c = 0;
    while units.len() < opts.units {
        c += 1;
        let (kind_name, place_name) = if c % 7 == 0 {
            ("UBND phường", place(rng))
        } else {
            ("UBND xã", place(rng))
        };
        push_unit(
            &mut units,
            format!("{p}-X{c:03}"),
            format!("{kind_name} {place_name}"),
            "commune",
            Some(0),
        );
    }
    bulk!(tx, org_units::table, unit_rows, 12);
    let ids: Vec<_> = units.iter().map(|u| (u.id.to_string(), load_at)).collect();
    change_events(tx, "org_unit", &ids)?;
    Ok(units)
}

/// Staff, spread over every unit but the province itself.
pub(super) fn staff(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    units: &[Unit],
) -> Result<Vec<Person>, ApiError> {
    let (opts, p, load_at) = (load.opts, &load.p, load.load_at);
    let mut people: Vec<Person> = Vec::with_capacity(opts.staff);
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for i in 0..opts.staff {
        let unit = 1 + rng.below(units.len() - 1);
        let (full_name, gender) = person(rng);
        let code = format!("{p}-{:06}", i + 1);
        let id = new_id();
        rows.push((
            staff::id.eq(id.clone()),
            staff::staff_code.eq(Some(code.clone())),
            staff::name_search.eq(fold(&full_name)),
            staff::name_sort.eq(person_sort_key(&full_name)),
            staff::full_name.eq(full_name.clone()),
            staff::org_unit_id.eq(units[unit].id.clone()),
            staff::position.eq(rng.weighted(POSITIONS).map(str::to_string)),
            staff::category.eq(*rng.weighted(CATEGORIES)),
            staff::email.eq(Some(format!("{}@bench.thidua.vn", code.to_lowercase()))),
            staff::gender.eq(Some(gender)),
            staff::active.eq(true),
            staff::version.eq(1i64),
            staff::created_at.eq(load_at),
            staff::updated_at.eq(load_at),
        ));
        ids.push((id.clone(), load_at));
        people.push(Person {
            id,
            unit,
            name: full_name,
        });
    }
    bulk!(tx, staff::table, rows, 14);
    change_events(tx, "staff", &ids)?;
    Ok(people)
}

/// Registrations: every unit for every plan and year; a fifth of the staff for the first
/// plan. Answers how many.
pub(super) fn registrations(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    units: &[Unit],
    people: &[Person],
    plans: &[SeededPlan],
) -> Result<usize, ApiError> {
    let years = &load.years;
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for (plan_id, _) in plans {
        for &year in years {
            let at = at_on(
                rng,
                NaiveDate::from_ymd_opt(year, 2, 1).expect("valid date"),
            );
            for u in units.iter().skip(1) {
                let id = new_id();
                rows.push((
                    registrations::id.eq(id.clone()),
                    registrations::plan_id.eq(plan_id.clone()),
                    registrations::year.eq(year),
                    registrations::subject.eq("collective"),
                    registrations::org_unit_id.eq(u.id.clone()),
                    registrations::staff_id.eq(None::<String>),
                    registrations::titles.eq(if rng.chance(30) {
                        "tap_the_lao_dong_xuat_sac"
                    } else {
                        "tap_the_lao_dong_tien_tien"
                    }),
                    registrations::status.eq(if rng.chance(3) { "withdrawn" } else { "active" }),
                    registrations::version.eq(1i64),
                    registrations::created_at.eq(at),
                    registrations::updated_at.eq(at),
                ));
                ids.push((id, at));
            }
        }
    }
    for &year in years {
        let at = at_on(
            rng,
            NaiveDate::from_ymd_opt(year, 2, 1).expect("valid date"),
        );
        let chosen: Vec<&Person> = people.iter().filter(|_| rng.chance(20)).collect();
        for person in chosen {
            let id = new_id();
            rows.push((
                registrations::id.eq(id.clone()),
                registrations::plan_id.eq(plans[0].0.clone()),
                registrations::year.eq(year),
                registrations::subject.eq("individual"),
                registrations::org_unit_id.eq(units[person.unit].id.clone()),
                registrations::staff_id.eq(Some(person.id.clone())),
                registrations::titles.eq(if rng.chance(15) {
                    "lao_dong_tien_tien,chien_si_thi_dua_co_so"
                } else {
                    "lao_dong_tien_tien"
                }),
                registrations::status.eq("active"),
                registrations::version.eq(1i64),
                registrations::created_at.eq(at),
                registrations::updated_at.eq(at),
            ));
            ids.push((id, at));
        }
    }
    bulk!(tx, registrations::table, rows, 11);
    change_events(tx, "registration", &ids)?;
    Ok(ids.len())
}

/// Evidence entered by hand: half for the first plan, individual two times in three, in
/// every status.
pub(super) fn evidence(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    units: &[Unit],
    people: &[Person],
    plans: &[SeededPlan],
    manual: usize,
) -> Result<(), ApiError> {
    let (today, years, province) = (load.today, &load.years, &load.province);
    const STATUSES: &[(u32, &str)] = &[
        (60, "approved"),
        (14, "submitted"),
        (10, "draft"),
        (6, "returned"),
        (6, "rejected"),
        (4, "withdrawn"),
    ];
    let chunk = rows_per_insert(22);
    let mut done = 0;
    while done < manual {
        let n = chunk.min(manual - done);
        let mut ev = Vec::with_capacity(n);
        let mut history = Vec::with_capacity(n);
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let plan = if rng.chance(50) {
                &plans[0]
            } else {
                &plans[rng.below(plans.len())]
            };
            let individual = rng.chance(67);
            let candidates: Vec<&Criterion> = plan
                .1
                .iter()
                .filter(|c| (c.subject == CriterionSubject::Individual) == individual)
                .collect();
            let criterion = *rng.pick(&candidates);
            let year = *rng.pick(years);
            let as_of = day_in(rng, year, today);
            let (unit, staff_id) = if individual {
                let person = rng.pick(people);
                (person.unit, Some(person.id.clone()))
            } else {
                (1 + rng.below(units.len() - 1), None)
            };
            let value = match criterion.measure {
                Measure::Percent => (rng.below(1001) as f64) / 10.0,
                Measure::Count => rng.below(12) as f64,
                Measure::Boolean => {
                    if rng.chance(85) {
                        1.0
                    } else {
                        0.0
                    }
                }
                Measure::Score => (rng.below(201) as f64) / 2.0,
            };
            let status = *rng.weighted(STATUSES);
            let period: &str = PERIODS[rng.below(PERIODS.len())];
            let description = EVIDENCE_TEXT[rng.below(EVIDENCE_TEXT.len())]
                .replace("{c}", &criterion.title.to_lowercase())
                .replace("{p}", period)
                .replace("{y}", &year.to_string());
            let created = at_on(rng, as_of);
            let submitted = (status != "draft").then(|| created + Duration::hours(2));
            let reviewed = matches!(status, "approved" | "rejected" | "returned")
                .then(|| created + Duration::days(3));
            let updated = reviewed.or(submitted).unwrap_or(created);
            let links = if rng.chance(40) {
                format!(
                    "https://vanban.{}.gov.vn/{}",
                    fold(province).replace(' ', ""),
                    rng.below(1_000_000)
                )
            } else {
                String::new()
            };
            let id = new_id();
            ev.push((
                evidence::id.eq(id.clone()),
                evidence::criterion_id.eq(criterion.id.clone()),
                evidence::plan_id.eq(plan.0.clone()),
                evidence::year.eq(year),
                evidence::subject.eq(if individual {
                    "individual"
                } else {
                    "collective"
                }),
                evidence::org_unit_id.eq(units[unit].id.clone()),
                evidence::staff_id.eq(staff_id),
                evidence::value.eq(Some(value)),
                evidence::as_of.eq(as_of),
                evidence::search_text.eq(fold(&description)),
                evidence::description.eq(Some(description)),
                evidence::links.eq(links),
                evidence::status.eq(status),
                evidence::source.eq("manual"),
                evidence::submitted_at.eq(submitted),
                evidence::reviewed_at.eq(reviewed),
                evidence::review_note
                    .eq((status == "returned").then_some("Đề nghị bổ sung tài liệu minh chứng")),
                evidence::version.eq(if reviewed.is_some() {
                    3i64
                } else if submitted.is_some() {
                    2
                } else {
                    1
                }),
                evidence::created_at.eq(created),
                evidence::updated_at.eq(updated),
            ));
            history.push((
                evidence_history::id.eq(new_id()),
                evidence_history::evidence_id.eq(id.clone()),
                evidence_history::at.eq(updated),
                evidence_history::to_status.eq(status),
            ));
            ids.push((id, updated));
        }
        bulk!(tx, evidence::table, ev, 20);
        bulk!(tx, evidence_history::table, history, 4);
        change_events(tx, "evidence", &ids)?;
        done += n;
    }
    Ok(())
}

/// Learning records (Bình dân học vụ số), imported and approved, on `criterion`: `rows` of
/// them, each person's courses in turn.
pub(super) fn learning_records(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    units: &[Unit],
    people: &[Person],
    criterion: &Criterion,
    rows: usize,
) -> Result<(), ApiError> {
    let (today, years) = (load.today, &load.years);
    let (chunk, learning_rows) = (rows_per_insert(22), rows);
    let mut done = 0;
    while done < learning_rows {
        let n = chunk.min(learning_rows - done);
        let mut ev = Vec::with_capacity(n);
        let mut history = Vec::with_capacity(n);
        let mut records = Vec::with_capacity(n);
        let mut ids = Vec::with_capacity(n);
        for k in done..done + n {
            // Person k mod staff, course k / staff: never the same record twice.
            let person = &people[k % people.len()];
            let course = k / people.len();
            let title = COURSES[course % COURSES.len()];
            let course_code = format!("BDHVS-{:02}", course + 1);
            let year = *rng.pick(years);
            let completed_on = day_in(rng, year, today);
            let at = at_on(rng, completed_on);
            let description = format!("{course_code} – {title}");
            let certificate = format!("CC-{year}-{:06}", k + 1);
            let id = new_id();
            ev.push((
                evidence::id.eq(id.clone()),
                evidence::criterion_id.eq(criterion.id.clone()),
                evidence::plan_id.eq(criterion.plan_id.clone()),
                evidence::year.eq(year),
                evidence::subject.eq("individual"),
                evidence::org_unit_id.eq(units[person.unit].id.clone()),
                evidence::staff_id.eq(Some(person.id.clone())),
                evidence::value.eq(Some(1.0)),
                evidence::as_of.eq(completed_on),
                evidence::search_text.eq(fold(&description)),
                evidence::description.eq(Some(description)),
                evidence::links.eq(String::new()),
                evidence::status.eq("approved"),
                evidence::source.eq("import"),
                evidence::submitted_at.eq(Some(at)),
                evidence::reviewed_at.eq(Some(at)),
                evidence::review_note.eq(Some(certificate.clone())),
                evidence::version.eq(1i64),
                evidence::created_at.eq(at),
                evidence::updated_at.eq(at),
            ));
            history.push((
                evidence_history::id.eq(new_id()),
                evidence_history::evidence_id.eq(id.clone()),
                evidence_history::at.eq(at),
                evidence_history::to_status.eq("approved"),
            ));
            records.push((
                learning_records::id.eq(new_id()),
                learning_records::staff_id.eq(person.id.clone()),
                learning_records::criterion_id.eq(criterion.id.clone()),
                learning_records::course_code.eq(course_code),
                learning_records::course_title.eq(Some(title)),
                learning_records::completed_on.eq(completed_on),
                learning_records::certificate_id.eq(Some(certificate)),
                learning_records::evidence_id.eq(id.clone()),
                learning_records::created_at.eq(at),
            ));
            ids.push((id, at));
        }
        bulk!(tx, evidence::table, ev, 20);
        bulk!(tx, evidence_history::table, history, 4);
        bulk!(tx, learning_records::table, records, 9);
        change_events(tx, "evidence", &ids)?;
        done += n;
    }
    Ok(())
}

/// One yearly decision of the province for each past year.
pub(super) fn decisions(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    root: &Unit,
) -> Result<Decisions, ApiError> {
    let (today, years) = (load.today, &load.years);
    let (first_year, last_year) = (load.first_year, load.last_year);
    let mut decisions = Vec::new();
    let mut decision_of_year = std::collections::BTreeMap::new();
    for &year in years {
        if year == last_year {
            continue;
        }
        let id = new_id();
        let decided_on = NaiveDate::from_ymd_opt(year + 1, 1, 20).expect("valid date");
        let at = at_on(rng, decided_on.min(today));
        decisions.push((
            award_decisions::id.eq(id.clone()),
            award_decisions::number.eq(format!("{}/QĐ-UBND", 150 + year - first_year)),
            award_decisions::decided_on.eq(decided_on),
            award_decisions::signer.eq(person(rng).0),
            award_decisions::authority.eq("Chủ tịch Ủy ban nhân dân tỉnh"),
            award_decisions::org_unit_id.eq(root.id.clone()),
            award_decisions::award_year.eq(year),
            award_decisions::period_from
                .eq(NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date")),
            award_decisions::period_to
                .eq(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date")),
            award_decisions::occasion.eq("annual"),
            award_decisions::status.eq("active"),
            award_decisions::version.eq(1i64),
            award_decisions::created_at.eq(at),
            award_decisions::updated_at.eq(at),
        ));
        let base = domain::award_types::base_salary_on(tx, decided_on)?.unwrap_or(2_340_000);
        decision_of_year.insert(year, (id, at, decided_on, base));
    }
    bulk!(tx, award_decisions::table, decisions, 14);
    let ids: Vec<_> = decision_of_year
        .values()
        .map(|d| (d.0.clone(), d.1))
        .collect();
    change_events(tx, "award_decision", &ids)?;
    Ok(decision_of_year)
}

/// Nominations over the years, mostly people for grassroots titles; past years decided,
/// granted by the year's decision with their awards. Answers how many nominations and
/// awards.
pub(super) fn nominations(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    units: &[Unit],
    people: &[Person],
    plans: &[SeededPlan],
    decision_of_year: &Decisions,
) -> Result<(usize, usize), ApiError> {
    let (opts, today, years, last_year) = (load.opts, load.today, &load.years, load.last_year);
    let type_ids: Vec<(String, String, i32, bool)> = award_types::table
        .select((
            award_types::code,
            award_types::id,
            award_types::cash_multiplier,
            award_types::collective_doubles,
        ))
        .load(tx.conn())?;
    let type_of = |code: &str| {
        type_ids
            .iter()
            .find(|t| t.0 == code)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("award type {code} is not seeded")))
    };
    let individual_types = [
        (70u32, type_of("lao_dong_tien_tien")?),
        (20, type_of("chien_si_thi_dua_co_so")?),
        (10, type_of("giay_khen")?),
    ];
    let collective_types = [
        (70u32, type_of("tap_the_lao_dong_tien_tien")?),
        (30, type_of("tap_the_lao_dong_xuat_sac")?),
    ];
    let mut noms = Vec::new();
    let mut grants = Vec::new();
    let mut nom_ids = Vec::new();
    let mut award_ids = Vec::new();
    let open = [
        (30u32, "draft"),
        (30, "submitted"),
        (20, "council_review"),
        (10, "approved"),
        (10, "returned"),
    ];
    for _ in 0..opts.nominations {
        let year = *rng.pick(years);
        let individual = rng.chance(85);
        let (type_row, staff_id, unit, recipient) = if individual {
            let person = rng.pick(people);
            (
                rng.weighted(&individual_types).clone(),
                Some(person.id.clone()),
                person.unit,
                person.name.clone(),
            )
        } else {
            let unit = 1 + rng.below(units.len() - 1);
            (
                rng.weighted(&collective_types).clone(),
                None,
                unit,
                units[unit].name.clone(),
            )
        };
        let status = if year == last_year {
            *rng.weighted(&open)
        } else if rng.chance(92) {
            "decided"
        } else {
            "rejected"
        };
        let period_from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        let period_to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
        let summary = format!(
            "Hoàn thành xuất sắc nhiệm vụ năm {year}, tích cực tham gia phong trào thi đua đổi mới sáng tạo và chuyển đổi số"
        );
        let created = at_on(
            rng,
            NaiveDate::from_ymd_opt(year, 11, 1)
                .expect("valid date")
                .min(today),
        );
        let id = new_id();
        // The proposing unit is the subject's own; grassroots titles are granted by the
        // head of the office above it (the unit's top-level ancestor), or by the province.
        let office = units[unit]
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .nth(1)
            .unwrap_or(units[0].id.as_str())
            .to_string();
        noms.push((
            nominations::id.eq(id.clone()),
            nominations::award_type_id.eq(type_row.1.clone()),
            nominations::staff_id.eq(staff_id.clone()),
            nominations::nominee_unit_id.eq(units[unit].id.clone()),
            nominations::plan_id.eq(Some(plans[0].0.clone())),
            nominations::year.eq(year),
            nominations::occasion.eq("annual"),
            nominations::period_from.eq(period_from),
            nominations::period_to.eq(period_to),
            nominations::search_text.eq(fold(&summary)),
            nominations::summary.eq(summary),
            nominations::proposer_unit_id.eq(units[unit].id.clone()),
            nominations::current_unit_id.eq((status == "submitted").then(|| office.clone())),
            nominations::granting_unit_id.eq(office),
            nominations::status.eq(status),
            nominations::version.eq(1i64),
            nominations::created_at.eq(created),
            nominations::updated_at.eq(created),
        ));
        nom_ids.push((id.clone(), created));
        if status == "decided"
            && let Some((decision_id, at, _, base)) = decision_of_year.get(&year)
        {
            let factor = if staff_id.is_none() && type_row.3 {
                2
            } else {
                1
            };
            let exact = base * i64::from(type_row.2) * factor;
            let step = 10_000 * 100;
            let cash = (exact + step - 1) / step * 10_000;
            let award_id = new_id();
            grants.push((
                awards::id.eq(award_id.clone()),
                awards::decision_id.eq(decision_id.clone()),
                awards::nomination_id.eq(Some(id)),
                awards::award_type_id.eq(type_row.1.clone()),
                awards::staff_id.eq(staff_id),
                awards::subject_unit_id.eq(units[unit].id.clone()),
                awards::name_search.eq(fold(&recipient)),
                awards::recipient_name.eq(recipient),
                awards::year.eq(year),
                awards::period_from.eq(period_from),
                awards::period_to.eq(period_to),
                awards::occasion.eq("annual"),
                awards::cash_amount.eq(cash),
                awards::status.eq("active"),
                awards::created_at.eq(*at),
                awards::updated_at.eq(*at),
            ));
            award_ids.push((award_id, *at));
        }
    }
    bulk!(tx, nominations::table, noms, 18);
    change_events(tx, "nomination", &nom_ids)?;
    bulk!(tx, awards::table, grants, 16);
    change_events(tx, "award", &award_ids)?;
    Ok((nom_ids.len(), award_ids.len()))
}
