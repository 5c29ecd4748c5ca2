//! Biên bản họp Hội đồng: the minutes of a session that is over, in parts and as the
//! Vietnamese text of an administrative document (dates and percentages as NĐ 30/2020 writes
//! them). Kept apart from the sessions: it only reads what they recorded.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;

use super::sessions::{
    Outcome, Recusal, Session, SessionDetail, SessionStatus, Tally, not_status, rules_of,
    votes_needed,
};
use super::{Council, Member, members};
use crate::db::AnyConnection;
use crate::db::schema::{disclosure_feedback, org_units};
use crate::domain::Error;
use crate::domain::award_types::AwardRules;
use crate::domain::nominations;
use crate::ids::{CouncilId, NominationId, UserId};

/// A present or absent member in the minutes.
#[derive(Debug, Clone)]
pub struct MinutesMember {
    pub user_id: UserId,
    pub name: String,
    pub position: String,
}

/// Feedback the public sent about a nomination while it was published.
#[derive(Debug, Clone)]
pub struct MinutesFeedback {
    pub author_name: Option<String>,
    pub content: String,
    pub received_at: DateTime<Utc>,
}

/// One nomination's result in the minutes.
#[derive(Debug, Clone)]
pub struct MinutesNomination {
    pub nomination_id: NominationId,
    pub nominee_name: String,
    pub award_type_code: String,
    pub award_type_name: String,
    /// Null when the session was invalid (no vote).
    pub tally: Option<Tally>,
    /// Members who voted.
    pub votes_cast: i64,
    /// Agree votes needed, as a percentage of all members; null means more than half.
    pub threshold_percent: Option<f64>,
    /// The fewest agree votes that pass among all members.
    pub votes_needed: Option<i32>,
    pub outcome: Option<Outcome>,
    pub feedback: Vec<MinutesFeedback>,
}

/// Biên bản họp Hội đồng: the record of a session that is over, in parts and as text.
#[derive(Debug, Clone)]
pub struct Minutes {
    pub session_id: String,
    pub council_id: CouncilId,
    pub council_name: String,
    pub unit_name: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub status: SessionStatus,
    pub members_total: i32,
    pub quorum: i32,
    pub present: Vec<MinutesMember>,
    pub absent: Vec<MinutesMember>,
    pub recusals: Vec<Recusal>,
    pub nominations: Vec<MinutesNomination>,
    /// The minutes as a Vietnamese document.
    pub text: String,
}

/// "ngày 05 tháng 01 năm 2026": days below 10 and the months January and February take a
/// leading zero in administrative documents (NĐ 30/2020/NĐ-CP).
pub fn vietnamese_date(d: NaiveDate) -> String {
    let month = if d.month() < 3 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// 90 → "90", 66.67 → "66,7": a decimal comma, one decimal at most.
fn percent(p: f64) -> String {
    let rounded = (p * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}").replace('.', ",")
    }
}

pub(super) fn threshold_text(rules: &AwardRules) -> String {
    match rules.vote_threshold_percent {
        Some(t) => format!(
            "yêu cầu từ {}% tổng số thành viên Hội đồng đồng ý",
            percent(t)
        ),
        None => "yêu cầu trên 50% tổng số thành viên Hội đồng đồng ý".to_string(),
    }
}

fn feedback_of(
    conn: &mut AnyConnection,
    nomination_ids: &[NominationId],
) -> QueryResult<BTreeMap<NominationId, Vec<MinutesFeedback>>> {
    let rows: Vec<(
        Option<NominationId>,
        Option<String>,
        String,
        chrono::NaiveDateTime,
    )> = disclosure_feedback::table
        .filter(disclosure_feedback::nomination_id.eq_any(nomination_ids))
        .order((disclosure_feedback::received_at, disclosure_feedback::id))
        .select((
            disclosure_feedback::nomination_id,
            disclosure_feedback::author_name,
            disclosure_feedback::content,
            disclosure_feedback::received_at,
        ))
        .load(conn)?;
    let mut out: BTreeMap<NominationId, Vec<MinutesFeedback>> = BTreeMap::new();
    for (nomination_id, author_name, content, received_at) in rows {
        if let Some(id) = nomination_id {
            out.entry(id).or_default().push(MinutesFeedback {
                author_name,
                content,
                received_at: received_at.and_utc(),
            });
        }
    }
    Ok(out)
}

/// Draws up the minutes of a session that is over (409 `session_not_closed` before).
///
/// Present and absent members are read against the council's membership now: a member
/// removed since the session is no longer listed as absent.
pub fn minutes(
    conn: &mut AnyConnection,
    detail: SessionDetail,
    council: &Council,
) -> Result<Minutes, Error> {
    let status = detail.session.status;
    if !matches!(status, SessionStatus::Closed | SessionStatus::Invalid) {
        return Err(not_status(SessionStatus::Closed, status));
    }
    let unit_name: String = org_units::table
        .find(&council.org_unit_id)
        .select(org_units::name)
        .get_result(conn)?;
    let members = members(conn, &council.id)?;
    let attending: HashSet<&UserId> = detail.attendance.iter().collect();
    let (present, absent): (Vec<&Member>, Vec<&Member>) =
        members.iter().partition(|m| attending.contains(&m.user_id));
    let as_minutes = |list: Vec<&Member>| -> Vec<MinutesMember> {
        list.into_iter()
            .map(|m| MinutesMember {
                user_id: m.user_id.clone(),
                name: m.name.clone(),
                position: m.position.clone(),
            })
            .collect()
    };
    let present = as_minutes(present);
    let absent = as_minutes(absent);
    let ids: Vec<NominationId> = detail
        .items
        .iter()
        .map(|i| i.nomination_id.clone())
        .collect();
    let mut feedback = feedback_of(conn, &ids)?;
    let mut nominations_out = Vec::new();
    for item in &detail.items {
        let n = nominations::find(conn, &item.nomination_id)?.ok_or_else(|| {
            Error::internal(format!("nomination {} vanished", item.nomination_id))
        })?;
        let (_, rules) = rules_of(conn, &n)?;
        nominations_out.push(MinutesNomination {
            nomination_id: item.nomination_id.clone(),
            nominee_name: item.nominee_name.clone(),
            award_type_code: item.award_type_code.clone(),
            award_type_name: item.award_type_name.clone(),
            tally: item.tally,
            votes_cast: item.votes_cast,
            threshold_percent: rules.vote_threshold_percent,
            votes_needed: votes_needed(&rules, detail.members_total),
            outcome: item.outcome,
            feedback: feedback.remove(&item.nomination_id).unwrap_or_default(),
        });
    }
    let mut m = Minutes {
        session_id: detail.session.id.clone(),
        council_id: council.id.clone(),
        council_name: council.name.clone(),
        unit_name,
        title: detail.session.title.clone(),
        meets_on: detail.session.meets_on,
        status,
        members_total: detail.members_total,
        quorum: detail.session.quorum,
        present,
        absent,
        recusals: detail.recusals.clone(),
        nominations: nominations_out,
        text: String::new(),
    };
    m.text = minutes_text(&m, &detail.session);
    Ok(m)
}

/// The time in Việt Nam (UTC+7), "14 giờ 30".
fn vietnam_time(t: chrono::NaiveDateTime) -> String {
    crate::domain::vietnam_local(t)
        .format("%H giờ %M")
        .to_string()
}

/// The day in Việt Nam (UTC+7) of a UTC time.
fn vietnam_day(t: chrono::NaiveDateTime) -> NaiveDate {
    crate::domain::vietnam_local(t).date()
}

fn minutes_text(m: &Minutes, session: &Session) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let _ = writeln!(t, "{}", m.unit_name.to_uppercase());
    let _ = writeln!(t, "{}", m.council_name.to_uppercase());
    let _ = writeln!(t);
    let _ = writeln!(t, "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG");
    let _ = writeln!(t, "{}", m.title);
    let _ = writeln!(t);
    // The clock time only when the session opened on the day it was set for.
    let start = session
        .opened_at
        .filter(|at| vietnam_day(*at) == m.meets_on)
        .map(|at| format!("Vào lúc {}, ", vietnam_time(at)))
        .unwrap_or_default();
    let _ = writeln!(
        t,
        "{start}{}, {} họp xét, đề nghị khen thưởng.",
        vietnamese_date(m.meets_on),
        m.council_name
    );
    let _ = writeln!(
        t,
        "Tổng số thành viên Hội đồng: {}. Có mặt: {}. Vắng mặt: {}. Số thành viên tối thiểu để phiên họp hợp lệ: {}.",
        m.members_total,
        m.present.len(),
        m.members_total
            .saturating_sub(i32::try_from(m.present.len()).unwrap_or(0)),
        m.quorum
    );
    let _ = writeln!(t, "Thành viên có mặt:");
    if m.present.is_empty() {
        let _ = writeln!(t, "- Không có.");
    }
    for p in &m.present {
        let _ = writeln!(t, "- {}, {}", p.name, p.position);
    }
    let _ = writeln!(t, "Thành viên vắng mặt:");
    if m.absent.is_empty() {
        let _ = writeln!(t, "- Không có.");
    }
    for p in &m.absent {
        let _ = writeln!(t, "- {}, {}", p.name, p.position);
    }
    let _ = writeln!(t);
    if m.status == SessionStatus::Invalid {
        let _ = writeln!(
            t,
            "Phiên họp không đủ số thành viên tham dự theo quy định ({} trên {} thành viên, yêu cầu tối thiểu {}) nên không hợp lệ; Hội đồng không tiến hành bỏ phiếu. Các hồ sơ đề nghị được đưa ra phiên họp khác:",
            m.present.len(),
            m.members_total,
            m.quorum
        );
        for (i, n) in m.nominations.iter().enumerate() {
            let _ = writeln!(t, "{}. {} – {}", i + 1, n.nominee_name, n.award_type_name);
        }
    } else {
        let _ = writeln!(
            t,
            "Hội đồng biểu quyết bằng hình thức bỏ phiếu kín. Tỷ lệ đồng ý được tính trên tổng số thành viên Hội đồng, không tính trên số thành viên có mặt."
        );
        let _ = writeln!(t);
        let _ = writeln!(t, "KẾT QUẢ BỎ PHIẾU");
        for (i, n) in m.nominations.iter().enumerate() {
            let _ = writeln!(t, "{}. {} – {}", i + 1, n.nominee_name, n.award_type_name);
            let tally = n.tally.unwrap_or(Tally {
                agree: 0,
                disagree: 0,
                abstain: 0,
            });
            let share = if m.members_total > 0 {
                f64::from(tally.agree) * 100.0 / f64::from(m.members_total)
            } else {
                0.0
            };
            let _ = writeln!(
                t,
                "   Số phiếu: {} đồng ý, {} không đồng ý, {} không có ý kiến ({} thành viên bỏ phiếu).",
                tally.agree, tally.disagree, tally.abstain, n.votes_cast
            );
            let threshold = match n.threshold_percent {
                Some(p) => format!("từ {}%", percent(p)),
                None => "trên 50%".to_string(),
            };
            let needed = n
                .votes_needed
                .map(|k| format!(", tức ít nhất {k} phiếu đồng ý"))
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "   Tỷ lệ đồng ý: {}/{} thành viên Hội đồng ({}%); yêu cầu {} tổng số thành viên{}.",
                tally.agree,
                m.members_total,
                percent(share),
                threshold,
                needed
            );
            let result = match n.outcome {
                Some(Outcome::Passed) => "ĐẠT",
                Some(Outcome::Failed) | None => "KHÔNG ĐẠT",
            };
            let _ = writeln!(t, "   Kết quả: {result}.");
            let recused: Vec<&Recusal> = m
                .recusals
                .iter()
                .filter(|r| r.nomination_id == n.nomination_id)
                .collect();
            for r in recused {
                let _ = writeln!(
                    t,
                    "   Thành viên không tham gia biểu quyết: {} – lý do: {}.",
                    r.name, r.reason
                );
            }
            if n.feedback.is_empty() {
                let _ = writeln!(t, "   Ý kiến phản hồi trong thời gian công khai: không có.");
            } else {
                let _ = writeln!(t, "   Ý kiến phản hồi trong thời gian công khai:");
                for f in &n.feedback {
                    let _ = writeln!(
                        t,
                        "   - {} ({}): {}",
                        f.author_name.as_deref().unwrap_or("Không ghi tên"),
                        vietnamese_date(vietnam_day(f.received_at.naive_utc())),
                        f.content
                    );
                }
            }
        }
    }
    let _ = writeln!(t);
    if let Some(closed) = session.closed_at {
        let _ = writeln!(
            t,
            "Phiên họp kết thúc vào lúc {}, {}.",
            vietnam_time(closed),
            vietnamese_date(vietnam_day(closed))
        );
    }
    let _ = writeln!(
        t,
        "Biên bản được lập từ dữ liệu của phiên họp; số phiếu là số đếm, không ghi lựa chọn của từng thành viên."
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_percentages_read_as_in_vietnamese_documents() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(vietnamese_date(d(2026, 1, 5)), "ngày 05 tháng 01 năm 2026");
        assert_eq!(
            vietnamese_date(d(2025, 12, 15)),
            "ngày 15 tháng 12 năm 2025"
        );
        assert_eq!(vietnamese_date(d(2025, 3, 20)), "ngày 20 tháng 3 năm 2025");
        assert_eq!(percent(90.0), "90");
        assert_eq!(percent(200.0 / 3.0), "66,7");
    }
}
