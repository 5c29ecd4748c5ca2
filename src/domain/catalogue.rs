//! The event catalogue: every kind of resource the change feed and webhooks name, and
//! each action it sends, with when. `audit::record_change` holds every write to it (in
//! debug builds), `ResourceKind::in_feed` and the subscriptions' event types are read from
//! it, and `api::events` renders it (`docs/EVENTS.md`, the document's `webhooks`).

use crate::domain::audit::{ChangeAction, ResourceKind};

/// One entry of the event catalogue: what a kind is, and when each of its actions fires.
pub struct CatalogueEntry {
    pub kind: ResourceKind,
    pub what: &'static str,
    pub fires: &'static [(ChangeAction, &'static str)],
}

/// The event catalogue: every kind the change feed and webhooks name, and each action it
/// sends, with when. `record_change` holds every write to it (in debug builds, so the
/// test suite checks it on every write it makes).
pub fn catalogue() -> &'static [CatalogueEntry] {
    static CATALOGUE: std::sync::LazyLock<Vec<CatalogueEntry>> = std::sync::LazyLock::new(entries);
    &CATALOGUE
}

/// Built once: a subscription's check and every debug write read it.
fn entries() -> Vec<CatalogueEntry> {
    use ChangeAction::*;
    use ResourceKind as K;
    let entry = |kind, what, fires| CatalogueEntry { kind, what, fires };
    vec![
        entry(
            K::OrgUnit,
            "a unit (đơn vị) of the tree",
            &[
                (Created, "a unit is added"),
                (Updated, "its name, code, kind or parent changes"),
                (Archived, "it is archived"),
            ],
        ),
        entry(
            K::Staff,
            "a staff member (cán bộ, công chức, viên chức, người lao động)",
            &[
                (Created, "a staff member is added"),
                (
                    Updated,
                    "their record changes, or they move to another unit",
                ),
                (Archived, "they are archived"),
            ],
        ),
        entry(
            K::User,
            "an account",
            &[
                (Created, "an account is made"),
                (
                    Updated,
                    "its roles, unit, staff link or active flag change, or an admin sets its password",
                ),
            ],
        ),
        entry(
            K::ApiClient,
            "a service client",
            &[
                (Created, "a client is registered"),
                (
                    Updated,
                    "its name, scopes or unit change, its secret is rotated, or it is enabled again",
                ),
                (Archived, "it is disabled"),
            ],
        ),
        entry(
            K::WebhookSubscription,
            "a webhook subscription",
            &[
                (Created, "a subscription is registered"),
                (
                    Updated,
                    "it changes, its secret is rotated, it is replayed, or it is disabled after failures",
                ),
            ],
        ),
        entry(
            K::LegalDocument,
            "a legal document (văn bản căn cứ)",
            &[
                (Created, "a document is entered"),
                (Updated, "it is corrected"),
            ],
        ),
        entry(
            K::Movement,
            "an emulation movement (phong trào thi đua)",
            &[
                (Created, "a movement is entered"),
                (Updated, "it changes, closes or is cancelled"),
            ],
        ),
        entry(
            K::Plan,
            "a plan (kế hoạch)",
            &[
                (Created, "a draft plan is made"),
                (
                    Updated,
                    "a draft's text changes, or it is issued, started or closed",
                ),
                (Archived, "it is cancelled"),
            ],
        ),
        entry(
            K::Criterion,
            "a criterion (tiêu chí) of a plan",
            &[
                (
                    Created,
                    "a criterion is added, or an amendment makes its new version",
                ),
                (Updated, "a draft plan's criterion changes"),
                (
                    Superseded,
                    "an amendment replaces this version (kept, still readable)",
                ),
            ],
        ),
        entry(
            K::RegistrationDeadline,
            "a plan's registration deadline for a year",
            &[
                (Created, "a deadline is set"),
                (Updated, "it is moved or the year reopened"),
            ],
        ),
        entry(
            K::Registration,
            "a registration (đăng ký thi đua) for a year",
            &[
                (Created, "a unit or person registers"),
                (Updated, "the titles registered change"),
                (Archived, "it is withdrawn"),
            ],
        ),
        entry(
            K::Evidence,
            "evidence (minh chứng)",
            &[
                (
                    Created,
                    "evidence is recorded, or a learning import writes it",
                ),
                (
                    Updated,
                    "it changes, is submitted, reviewed or returned, or a file is attached or removed",
                ),
                (Archived, "it is withdrawn"),
            ],
        ),
        entry(
            K::Bloc,
            "a bloc (khối, cụm thi đua)",
            &[
                (Created, "a bloc is made"),
                (Updated, "its name or members change"),
                (Archived, "it is archived"),
            ],
        ),
        entry(
            K::RuleSet,
            "a rule set of an award type",
            &[
                (Created, "a rule set or a province's override is added"),
                (Updated, "it changes"),
            ],
        ),
        entry(
            K::BaseSalary,
            "a base salary (lương cơ sở)",
            &[(Created, "a base salary is added, from its date")],
        ),
        entry(
            K::Holiday,
            "a national public holiday",
            &[(Created, "a holiday is added"), (Archived, "it is removed")],
        ),
        entry(
            K::UnitHoliday,
            "a unit's own day off",
            &[(Created, "a day off is added"), (Archived, "it is removed")],
        ),
        entry(
            K::Initiative,
            "an initiative (sáng kiến)",
            &[
                (Created, "an initiative is recorded"),
                (Updated, "it changes"),
                (Archived, "it is archived"),
            ],
        ),
        entry(
            K::Discipline,
            "a discipline period (kỷ luật)",
            &[
                (Created, "a period is recorded"),
                (Updated, "it changes or ends"),
            ],
        ),
        entry(
            K::Nomination,
            "a nomination (đề nghị khen thưởng)",
            &[
                (Created, "a nomination is drafted"),
                (
                    Updated,
                    "it changes, moves up or back the hierarchy, is voted on, granted or refused, or a file is attached",
                ),
            ],
        ),
        entry(
            K::Council,
            "a council (Hội đồng Thi đua – Khen thưởng)",
            &[
                (Created, "a council is formed"),
                (Updated, "its name or members change"),
                (Archived, "it is dissolved"),
            ],
        ),
        entry(
            K::CouncilSession,
            "a council session",
            &[
                (Created, "a session is scheduled"),
                (Updated, "attendance is taken, it opens or closes"),
            ],
        ),
        entry(
            K::Disclosure,
            "a disclosure (công khai) of candidates",
            &[(Created, "candidates are published")],
        ),
        entry(
            K::DisclosureFeedback,
            "public feedback on a disclosure",
            &[(Created, "someone comments")],
        ),
        entry(
            K::AwardDecision,
            "an award decision (quyết định khen thưởng)",
            &[
                (Created, "a decision is issued"),
                (Updated, "it is revoked"),
            ],
        ),
        entry(
            K::Award,
            "an award granted by a decision",
            &[
                (Created, "a decision grants it"),
                (Updated, "its decision is revoked"),
            ],
        ),
    ]
}
