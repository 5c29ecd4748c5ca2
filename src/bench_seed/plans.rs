//! The plans of the bench data, made as an officer would through the API: legal bases, a
//! movement per plan, the plan with its phases and award forms, its criteria, and its
//! issue. Slower than rows, but it keeps the plans' derived records exactly as the
//! service writes them.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::words::{COLLECTIVE_CRITERIA, INDIVIDUAL_CRITERIA, Rng, person};
use super::{Load, SeededPlan, Unit};
use thidua::db::Tx;
use thidua::db::schema::legal_documents;
use thidua::domain::criteria::{CriterionFields, CriterionSubject, Frequency, Measure};
use thidua::domain::legal_documents::{DocType, LegalDocumentFields};
use thidua::domain::movements::{MovementFields, MovementKind, MovementLevel, MovementStatus};
use thidua::domain::plans::{
    AwardForm, AwardSubject, Occasion, Phase, PlanContent, PlanStatus, ReportDeadline,
    Responsibility, ResponsibilityRole, Review,
};
use thidua::domain::{self, Actor};
use thidua::error::ApiError;

/// A legal document by its number, issuer and date: the one there, or a new one.
fn legal_document(
    tx: &mut Tx<'_>,
    actor: &Actor,
    f: LegalDocumentFields,
) -> Result<String, ApiError> {
    let existing = legal_documents::table
        .filter(legal_documents::number.eq(&f.number))
        .filter(legal_documents::issuer.eq(&f.issuer))
        .filter(legal_documents::issued_on.eq(f.issued_on))
        .filter(legal_documents::owner_unit_id.is_null())
        .select(legal_documents::id)
        .first::<String>(tx.conn())
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => Ok(domain::legal_documents::create(tx, actor, f, None)?.id),
    }
}

/// Legal bases, a movement per plan, the plans and their criteria: through the domain.
pub(super) fn plans(
    tx: &mut Tx<'_>,
    load: &Load<'_>,
    rng: &mut Rng,
    units: &[Unit],
) -> Result<Vec<SeededPlan>, ApiError> {
    let (opts, actor, p, province) = (load.opts, &load.actor, &load.p, &load.province);
    let (run, first_year, last_year) = (load.run, load.first_year, load.last_year);
    let law = legal_document(
        tx,
        actor,
        LegalDocumentFields {
            number: "06/2022/QH15".into(),
            doc_type: DocType::Luat,
            issuer: "Quốc hội".into(),
            issued_on: NaiveDate::from_ymd_opt(2022, 6, 15).expect("valid date"),
            title: "Luật Thi đua, khen thưởng".into(),
            url: None,
        },
    )?;
    let decree = legal_document(
        tx,
        actor,
        LegalDocumentFields {
            number: "152/2025/NĐ-CP".into(),
            doc_type: DocType::NghiDinh,
            issuer: "Chính phủ".into(),
            issued_on: NaiveDate::from_ymd_opt(2025, 6, 13).expect("valid date"),
            title: "Nghị định quy định chi tiết một số điều của Luật Thi đua, khen thưởng".into(),
            url: None,
        },
    )?;
    const PLAN_TITLES: &[&str] = &[
        "Kế hoạch triển khai phong trào thi đua \"Cả nước thi đua đổi mới sáng tạo và chuyển đổi số\" và \"Bình dân học vụ số\"",
        "Kế hoạch phát động phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế – xã hội",
        "Kế hoạch thi đua đẩy mạnh cải cách hành chính, xây dựng chính quyền số",
        "Kế hoạch thi đua xây dựng nông thôn mới và đô thị văn minh",
        "Kế hoạch thi đua bảo đảm an sinh xã hội",
    ];
    let mut plans: Vec<SeededPlan> = Vec::new();
    for k in 0..opts.plans {
        let title = format!(
            "{} giai đoạn {first_year}–{last_year}{}",
            PLAN_TITLES[k % PLAN_TITLES.len()],
            if k >= PLAN_TITLES.len() {
                format!(" (đợt {})", k / PLAN_TITLES.len() + 1)
            } else {
                String::new()
            }
        );
        let movement = domain::movements::create(
            tx,
            actor,
            MovementFields {
                name: format!("Phong trào thi đua số {} tỉnh {province}", k + 1),
                short_name: None,
                description: Some(format!("Phong trào thi đua của tỉnh {province} ({p})")),
                level: MovementLevel::Provincial,
                kind: if k == 0 {
                    MovementKind::Thematic
                } else {
                    MovementKind::Regular
                },
                launched_by_id: Some(units[0].id.clone()),
                start_date: NaiveDate::from_ymd_opt(first_year, 1, 1).expect("valid date"),
                end_date: NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid date"),
                status: MovementStatus::Active,
            },
            Some(&units[0].id),
        )?;
        let mid = first_year + (opts.years as i32 - 1) / 2;
        let mut phases = vec![Phase {
            name: format!("Giai đoạn {first_year}–{mid}"),
            start_date: NaiveDate::from_ymd_opt(first_year, 1, 1).expect("valid date"),
            end_date: NaiveDate::from_ymd_opt(mid, 12, 31).expect("valid date"),
            review: Some(Review::Interim),
            review_year: Some(mid),
        }];
        if mid < last_year {
            phases.push(Phase {
                name: format!("Giai đoạn {}–{last_year}", mid + 1),
                start_date: NaiveDate::from_ymd_opt(mid + 1, 1, 1).expect("valid date"),
                end_date: NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid date"),
                review: Some(Review::Final),
                review_year: Some(last_year),
            });
        }
        let content = PlanContent {
            number: Some(format!("{}/KH-UBND", 100 + k + 10 * run as usize)),
            issued_on: NaiveDate::from_ymd_opt(first_year, 2, 15),
            issuer_id: units[0].id.clone(),
            title,
            signer_name: Some(person(rng).0),
            signer_title: Some("Chủ tịch Ủy ban nhân dân tỉnh".into()),
            movement_ids: vec![movement.id.clone()],
            legal_basis_ids: vec![law.clone(), decree.clone()],
            purposes: vec![
                "Động viên cán bộ, công chức, viên chức thi đua hoàn thành xuất sắc nhiệm vụ."
                    .into(),
                "Phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến.".into(),
            ],
            requirements: vec![
                "Thi đua thiết thực, hiệu quả, tránh hình thức.".into(),
                "Khen thưởng kịp thời, chính xác, công khai, minh bạch.".into(),
            ],
            contents: vec![
                "Đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước.".into(),
                "Phổ cập kỹ năng số cho cán bộ, công chức và người dân.".into(),
                "Cải cách hành chính, nâng cao chất lượng phục vụ.".into(),
            ],
            solutions: vec!["Tăng cường tuyên truyền, kiểm tra, sơ kết, tổng kết.".into()],
            recipients: vec!["Các sở, ban, ngành, UBND các xã, phường".into()],
            phases,
            award_forms: vec![
                AwardForm {
                    occasion: Occasion::Annual,
                    title: "Bằng khen của Chủ tịch UBND tỉnh".into(),
                    subject: AwardSubject::Both,
                    description: None,
                },
                AwardForm {
                    occasion: Occasion::Final,
                    title: "Cờ thi đua của UBND tỉnh".into(),
                    subject: AwardSubject::Collective,
                    description: None,
                },
            ],
            responsibilities: vec![
                Responsibility {
                    org_unit_id: units[1].id.clone(),
                    role: ResponsibilityRole::Lead,
                    task: "Chủ trì, hướng dẫn, theo dõi, tổng hợp kết quả thực hiện.".into(),
                },
                Responsibility {
                    org_unit_id: units[units.len() - 1].id.clone(),
                    role: ResponsibilityRole::Coordinate,
                    task: "Phối hợp triển khai tại địa phương.".into(),
                },
            ],
            report_deadline: Some(ReportDeadline {
                month: 11,
                day: 15,
                to: Some("Sở Nội vụ".into()),
                note: None,
            }),
        };
        let created = domain::plans::create(tx, actor, content, &|_| true)?;
        let mut criteria = Vec::with_capacity(opts.criteria);
        for i in 0..opts.criteria {
            let individual = i % 2 == 1;
            let list = if individual {
                INDIVIDUAL_CRITERIA
            } else {
                COLLECTIVE_CRITERIA
            };
            let (title, measure, unit) = list[(i / 2) % list.len()];
            let round = (i / 2) / list.len();
            let title = if round > 0 {
                format!("{title} (nhóm {})", round + 1)
            } else {
                title.to_string()
            };
            let max_points = if measure == Measure::Score {
                100.0
            } else {
                10.0
            };
            let target = match measure {
                Measure::Percent => Some(90.0),
                Measure::Count => Some(5.0),
                Measure::Score => Some(80.0),
                Measure::Boolean => None,
            };
            let fields = CriterionFields {
                subject: if individual {
                    CriterionSubject::Individual
                } else {
                    CriterionSubject::Collective
                },
                code: format!("{}{}", if individual { "CN" } else { "TT" }, i / 2 + 1),
                position: Some(i as i32 + 1),
                title,
                description: None,
                measure,
                target,
                unit: (!unit.is_empty()).then(|| unit.to_string()),
                max_points,
                evidence_expected: Some("Báo cáo, số liệu trích xuất từ hệ thống".into()),
                content_no: Some((i % 3) as i32 + 1),
                frequency: Some(if i % 4 == 0 {
                    Frequency::Quarterly
                } else {
                    Frequency::Yearly
                }),
                source_criterion_id: None,
            };
            criteria.push(domain::criteria::create(
                tx,
                actor,
                &created.plan,
                fields,
                None,
            )?);
        }
        let (plan, _) = domain::plans::find(tx, &created.plan.id)?
            .ok_or_else(|| ApiError::internal("the plan just made is gone"))?;
        let version = plan.version;
        let detail = domain::plans::detail(tx, plan)?;
        domain::plans::transition(tx, actor, detail, version, PlanStatus::Issued)?;
        plans.push((created.plan.id.clone(), criteria));
    }
    Ok(plans)
}
