//! Who may do what: every permission of the API as a small named function.
//!
//! Handlers load the object, then ask here. An object the caller may not see answers 404
//! (its existence is not revealed); one it sees but may not change answers 403.

use crate::domain::Error;
use crate::domain::access::{Caller, Principal, Scope};
use crate::domain::clients::ClientScope;
use crate::domain::users::Role;
use crate::ids::{OrgUnitId, StaffId, UserId};

/// Turns a permission into the answer for a visible object: 403 when refused.
pub fn ensure(allowed: bool) -> Result<(), Error> {
    if allowed {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Turns visibility into the answer for an object: 404 when hidden.
pub fn ensure_visible(visible: bool, what: &str) -> Result<(), Error> {
    if visible {
        Ok(())
    } else {
        Err(Error::not_found(what))
    }
}

fn strictly_inside(p: &Principal, unit_path: &str) -> bool {
    match &p.scope {
        Scope::All => true,
        Scope::Subtree(prefix) => unit_path.len() > prefix.len() && unit_path.starts_with(prefix),
        Scope::Nothing => false,
    }
}

// Org units ---------------------------------------------------------------------------

/// Every role reads the units of its own subtree.
pub fn can_read_org_unit(p: &Principal, unit_path: &str) -> bool {
    p.scope.contains(unit_path)
}

/// Admins create anywhere (roots too); officers create below units of their scope.
pub fn can_create_org_unit(p: &Principal, parent_path: Option<&str>) -> bool {
    match parent_path {
        None => p.is_admin(),
        Some(parent) => p.is_admin() || (p.has(Role::Officer) && p.scope.contains(parent)),
    }
}

/// Officers change units below their own; the root of their scope (and where it hangs in
/// the tree) is the admin's to change, or an officer could widen their own scope.
pub fn can_edit_org_unit(p: &Principal, unit_path: &str) -> bool {
    p.is_admin() || (p.has(Role::Officer) && strictly_inside(p, unit_path))
}

// Staff -------------------------------------------------------------------------------

/// What part of the staff register an account sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffVisibility {
    /// Staff of units in the scope.
    Units(Scope),
    /// One record: the account's own.
    Own(Option<StaffId>),
}

/// Officers, managers and council members see the staff of their scope; members see themselves.
pub fn staff_visibility(p: &Principal) -> StaffVisibility {
    if [Role::Admin, Role::Officer, Role::Manager, Role::Council]
        .iter()
        .any(|r| p.has(*r))
    {
        StaffVisibility::Units(p.scope.clone())
    } else {
        StaffVisibility::Own(p.staff_id.clone())
    }
}

/// Whose awards a caller sees: a user by their staff visibility, a service client with
/// `awards:read` every award of its unit subtree (the whole system's for a whole-system
/// client).
pub fn award_visibility(caller: &Caller) -> Result<StaffVisibility, Error> {
    ensure_caller(caller, ClientScope::AwardsRead, |_| true)?;
    Ok(match caller {
        Caller::User(p) => staff_visibility(p),
        Caller::Client(c) => StaffVisibility::Units(c.scope.clone()),
    })
}

pub fn can_read_staff(p: &Principal, staff_id: &StaffId, unit_path: &str) -> bool {
    match staff_visibility(p) {
        StaffVisibility::Units(scope) => scope.contains(unit_path),
        StaffVisibility::Own(own) => own.as_ref() == Some(staff_id),
    }
}

/// Officers and unit heads keep the register of their subtree.
pub fn can_edit_staff(p: &Principal, unit_path: &str) -> bool {
    p.is_admin() || ((p.has(Role::Officer) || p.has(Role::Manager)) && p.scope.contains(unit_path))
}

/// The personal identification number is shown whole only to admins.
pub fn sees_personal_id(p: &Principal) -> bool {
    p.is_admin()
}

/// Only those who read the personal identification number write it: anyone else could
/// probe the register for a number through the duplicate check.
pub fn can_set_personal_id(p: &Principal) -> bool {
    sees_personal_id(p)
}

// Reference data ------------------------------------------------------------------------
//
// Each kind of reference data has an explicit owner. National data — base salaries, the
// national holidays, national rule sets, the award catalogue — sets every province's money
// and deadlines, so only admins change it. A movement or legal document belongs to the
// unit that entered it (none: national), a unit's own holidays and rule-set overrides to
// that unit.

/// Base salaries, national holidays, national rule sets and the award catalogue: admins.
pub fn can_edit_national_data(p: &Principal) -> bool {
    p.is_admin()
}

/// A movement or legal document a unit keeps is read below and above that unit, as its
/// plans are; a national one (no owner) by every account.
pub fn can_read_owned_reference(p: &Principal, owner_path: Option<&str>) -> bool {
    owner_path.is_none_or(|path| crate::domain::plans::visible(&p.scope, path))
}

/// A unit's movements and legal documents are changed by the officers whose scope holds
/// the unit, national ones by admins.
pub fn can_edit_owned_reference(p: &Principal, owner_path: Option<&str>) -> bool {
    match owner_path {
        None => can_edit_national_data(p),
        Some(path) => can_edit_plan(p, path),
    }
}

/// A unit's own holidays (days off the province declares) are kept by the officers whose
/// scope holds the unit; the national calendar by admins.
pub fn can_edit_holidays(p: &Principal, unit_path: Option<&str>) -> bool {
    can_edit_owned_reference(p, unit_path)
}

// Plans and criteria ------------------------------------------------------------------

/// A plan concerns the units below its issuer and is overseen by those above it.
pub fn can_read_plan(p: &Principal, issuer_path: &str) -> bool {
    crate::domain::plans::visible(&p.scope, issuer_path)
}

/// Officers write the plans of units in their subtree.
pub fn can_edit_plan(p: &Principal, issuer_path: &str) -> bool {
    p.is_admin() || (p.has(Role::Officer) && p.scope.contains(issuer_path))
}

// Registrations and evidence ----------------------------------------------------------

/// A subject's registrations and evidence are read by those who read its staff register,
/// and by the person themself.
pub fn can_read_subject(p: &Principal, unit_path: &str, staff_id: Option<&StaffId>) -> bool {
    can_see_subject(&staff_visibility(p), unit_path, staff_id)
}

/// Whether a visibility covers a subject (a unit, or a staff member in a unit).
pub fn can_see_subject(v: &StaffVisibility, unit_path: &str, staff_id: Option<&StaffId>) -> bool {
    match v {
        StaffVisibility::Units(scope) => scope.contains(unit_path),
        StaffVisibility::Own(own) => staff_id.is_some() && own.as_ref() == staff_id,
    }
}

/// Officers and unit heads register and submit for the units and staff of their subtree;
/// a staff member does so for themself.
pub fn can_act_for_subject(p: &Principal, unit_path: &str, staff_id: Option<&StaffId>) -> bool {
    p.is_admin()
        || ((p.has(Role::Officer) || p.has(Role::Manager)) && p.scope.contains(unit_path))
        || (staff_id.is_some() && p.staff_id.as_ref() == staff_id)
}

/// Nobody reviews their own evidence: evidence about them, or that they wrote, edited or
/// submitted (`authored`, from its history). Officers review in their scope; a unit head
/// reviews their staff and the units below their own, never their own unit's collective
/// evidence.
pub fn can_review_evidence(
    p: &Principal,
    unit_path: &str,
    staff_id: Option<&StaffId>,
    authored: bool,
) -> bool {
    let own = authored || (staff_id.is_some() && p.staff_id.as_ref() == staff_id);
    if own {
        return false;
    }
    let manager_above = p.has(Role::Manager)
        && match staff_id {
            Some(_) => p.scope.contains(unit_path),
            None => strictly_inside(p, unit_path),
        };
    p.is_admin() || (p.has(Role::Officer) && p.scope.contains(unit_path)) || manager_above
}

/// Importing learning records writes approved evidence: it is a review, for officers and
/// unit heads (each row is checked against `can_review_evidence`).
pub fn can_import_learning_records(p: &Principal) -> bool {
    p.is_admin() || p.has(Role::Officer) || p.has(Role::Manager)
}

/// Who may send a file at all, before the record it goes to is read: whoever may act for
/// some subject or propose — admins, officers, unit heads — and a staff member for their
/// own evidence. Each upload then checks its record (`can_act_for_subject`,
/// `can_act_at_level`). Decided before a body of up to `THIDUA_MAX_FILE_MB` is read, so an
/// account that could never attach a file cannot make the server read one.
pub fn can_upload_files(p: &Principal) -> bool {
    p.is_admin() || p.has(Role::Officer) || p.has(Role::Manager) || p.staff_id.is_some()
}

// Blocs -------------------------------------------------------------------------------

/// Blocs are read by every account below their owner unit (its members and their staff)
/// or above it.
pub fn can_read_bloc(p: &Principal, owner_path: &str) -> bool {
    crate::domain::plans::visible(&p.scope, owner_path)
}

/// A bloc's ranking compares its units' figures: for those who read unit figures (not a
/// staff member's own account).
pub fn can_read_ranking(p: &Principal, owner_path: &str) -> bool {
    can_read_bloc(p, owner_path) && matches!(staff_visibility(p), StaffVisibility::Units(_))
}

/// Officers keep the blocs of units in their subtree.
pub fn can_edit_bloc(p: &Principal, owner_path: &str) -> bool {
    can_edit_plan(p, owner_path)
}

// Disclosures ------------------------------------------------------------------------

/// Disclosures are public; signed in, an account lists those of the units below or above it.
pub fn can_read_disclosure(p: &Principal, unit_path: &str) -> bool {
    crate::domain::plans::visible(&p.scope, unit_path)
}

/// Public feedback may hold personal contact data: read by the unit's officers only.
pub fn can_read_disclosure_feedback(p: &Principal, unit_path: &str) -> bool {
    can_keep_unit_awards(p, unit_path)
}

// Awards ------------------------------------------------------------------------------

/// A national rule set is national data (admins); a province's override is kept by the
/// officers whose scope holds that province.
pub fn can_edit_rule_set(p: &Principal, unit_path: Option<&str>) -> bool {
    can_edit_owned_reference(p, unit_path)
}

/// Initiatives and discipline records of a unit's staff are kept by its officers and heads.
pub fn can_edit_unit_records(p: &Principal, unit_path: &str) -> bool {
    can_edit_staff(p, unit_path)
}

/// Who records an initiative of a scope: the unit's officers and heads for its own effect,
/// officers for a province-wide one, admins for a national one — so nobody raises the
/// scope that higher titles ask for on their own say.
pub fn can_record_initiative(
    p: &Principal,
    unit_path: &str,
    scope: crate::domain::initiatives::InitiativeScope,
) -> bool {
    use crate::domain::initiatives::InitiativeScope;
    match scope {
        InitiativeScope::Unit => can_edit_unit_records(p, unit_path),
        InitiativeScope::Province => can_edit_plan(p, unit_path),
        InitiativeScope::Nation => p.is_admin(),
    }
}

/// Discipline is personal: read by officers and heads of the unit, never by other members.
pub fn can_read_discipline(p: &Principal, unit_path: &str) -> bool {
    can_edit_staff(p, unit_path)
}

/// Proposing for a unit (đề nghị): its officers and heads, for nominees below it.
pub fn can_propose(p: &Principal, proposer_path: &str) -> bool {
    p.is_admin()
        || ((p.has(Role::Officer) || p.has(Role::Manager)) && p.scope.contains(proposer_path))
}

/// Approving, returning or rejecting at a level: the officers and heads of that level.
/// Nobody decides on a nomination of themself.
pub fn can_act_at_level(
    p: &Principal,
    level_path: &str,
    nominee_staff_id: Option<&StaffId>,
) -> bool {
    let own = nominee_staff_id.is_some() && p.staff_id.as_ref() == nominee_staff_id;
    !own && can_propose(p, level_path)
}

/// Awards decided before the service kept them are recorded without nomination or vote:
/// only admins may, or any officer could grant any award.
pub fn can_record_past_awards(p: &Principal) -> bool {
    p.is_admin()
}

/// Councils, their members and sessions, disclosures and decisions of a unit: its officers.
pub fn can_keep_unit_awards(p: &Principal, unit_path: &str) -> bool {
    can_edit_plan(p, unit_path)
}

/// A unit's councils and sessions are read by accounts below or above the unit (their
/// members among them).
pub fn can_read_council(p: &Principal, unit_path: &str) -> bool {
    crate::domain::plans::visible(&p.scope, unit_path)
}

/// Ballots are cast by the council's members, each for themself: no role, the admin's
/// included, votes for another or in a council it does not sit on.
pub fn can_vote(is_member: bool) -> bool {
    is_member
}

/// A recusal is the member's own to record, or an officer's keeping the council for them.
pub fn can_record_recusal(p: &Principal, council_path: &str, member_user_id: &UserId) -> bool {
    p.user_id == *member_user_id || can_keep_unit_awards(p, council_path)
}

/// A council's sessions and minutes name the nominees, their votes and the public's
/// feedback: read by the council's members and the officers keeping the council only,
/// not by every account that reads the council.
pub fn can_read_session(p: &Principal, council_path: &str, is_member: bool) -> bool {
    is_member || can_keep_unit_awards(p, council_path)
}

/// A recusal is recorded for a member of the council (`is_member`): by themself, or by an
/// officer keeping the council. An account that is no member has nothing to recuse from.
pub fn can_recuse(
    p: &Principal,
    council_path: &str,
    member_user_id: &UserId,
    is_member: bool,
) -> bool {
    can_record_recusal(p, council_path, member_user_id)
        && (is_member || p.user_id != *member_user_id)
}

/// An account sits on a council only if it reads the council (its unit lies below or above
/// the council's; an admin's everywhere), or it could not read what it votes on.
pub fn can_sit_on_council(roles: &[Role], unit_path: Option<&str>, council_path: &str) -> bool {
    let scope = if roles.contains(&Role::Admin) {
        Scope::All
    } else {
        unit_path
            .map(|path| Scope::Subtree(path.to_string()))
            .unwrap_or(Scope::Nothing)
    };
    crate::domain::plans::visible(&scope, council_path)
}

/// Why a council member may not vote on a nomination, if they may not: they are the
/// nominee, or they head the nominee's unit (for a person, the unit they work in; for a
/// collective, the unit itself). They must recuse instead.
pub fn vote_conflict(
    member_staff_id: Option<&StaffId>,
    member_roles: &[Role],
    member_unit_id: Option<&OrgUnitId>,
    nominee_staff_id: Option<&StaffId>,
    nominee_unit_id: &OrgUnitId,
) -> Option<&'static str> {
    if member_staff_id.is_some() && member_staff_id == nominee_staff_id {
        return Some("the member is the nominee");
    }
    if member_roles.contains(&Role::Manager) && member_unit_id == Some(nominee_unit_id) {
        return Some("the member heads the nominee's unit");
    }
    None
}

// Reports -----------------------------------------------------------------------------

/// Reports of a unit subtree (figures of every unit and person in it): admins, and the
/// officers whose scope holds the unit. The one check every report endpoint asks.
pub fn can_read_reports(p: &Principal, unit_path: &str) -> bool {
    p.is_admin() || (p.has(Role::Officer) && p.scope.contains(unit_path))
}

/// Who a report is computed for. A service client with `reports:read` reads as an officer
/// of its unit subtree would (the whole tree for a whole-system client); this principal
/// serves only the report handlers, which write nothing.
pub fn report_reader(caller: &Caller) -> Result<Principal, Error> {
    ensure_caller(caller, ClientScope::ReportsRead, |_| true)?;
    Ok(match caller {
        Caller::User(p) => p.clone(),
        Caller::Client(c) => Principal {
            user_id: UserId::new(),
            username: format!("client:{}", c.id),
            roles: vec![Role::Officer],
            org_unit_id: c.org_unit_id.clone(),
            staff_id: None,
            session_id: String::new(),
            scope: c.scope.clone(),
        },
    })
}

/// The Word draft of a decision, to be signed: the officers keeping the issuing unit's awards.
pub fn can_draft_decision(p: &Principal, unit_path: &str) -> bool {
    can_keep_unit_awards(p, unit_path)
}

// Accounts, service clients, webhook subscriptions and the audit trail are the admin's:
// their routes are declared for admins in the route table (`api::routes`). Lifting a
// login lockout too: an officer could unlock an account they attack.

// Operations --------------------------------------------------------------------------

/// `/metrics` on the API's port: admins only. The routes, their counts and the backlog
/// say how the whole service is used, across every province; Prometheus reads them on
/// `THIDUA_METRICS_BIND`, a private address, instead.
pub fn can_read_metrics(p: &Principal) -> bool {
    p.is_admin()
}

/// For what either a user (by `user_may`) or a service client (by `scope`) may read.
/// A client without the scope is told which scope it lacks.
pub fn ensure_caller(
    caller: &Caller,
    scope: ClientScope,
    user_may: impl FnOnce(&Principal) -> bool,
) -> Result<(), Error> {
    match caller {
        Caller::User(p) => ensure(user_may(p)),
        // The feed and the export are not filtered by unit: a client limited to a subtree
        // never reads them, whatever scopes it was given.
        Caller::Client(c) if scope.whole_system_only() && c.scope != Scope::All => {
            Err(Error::forbidden())
        }
        Caller::Client(c) if c.has(scope) => Ok(()),
        Caller::Client(_) => Err(Error::insufficient_scope(
            format!("This endpoint needs the scope {}.", scope.as_str()),
            Some(scope.as_str()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(roles: &[Role], scope: Scope) -> Principal {
        Principal {
            user_id: "u".into(),
            username: "u".into(),
            roles: roles.to_vec(),
            org_unit_id: None,
            staff_id: Some("s1".into()),
            session_id: "s".into(),
            scope,
        }
    }

    #[test]
    fn officer_edits_below_but_not_own_root_nor_outside() {
        let p = principal(&[Role::Officer], Scope::Subtree("/a/".into()));
        assert!(can_edit_org_unit(&p, "/a/b/"));
        assert!(!can_edit_org_unit(&p, "/a/"));
        assert!(!can_edit_org_unit(&p, "/x/"));
        assert!(can_create_org_unit(&p, Some("/a/")));
        assert!(!can_create_org_unit(&p, None));
    }

    #[test]
    fn member_sees_only_own_staff_record() {
        let p = principal(&[Role::Member], Scope::Subtree("/a/".into()));
        assert!(can_read_staff(&p, &StaffId::from("s1"), "/a/"));
        assert!(!can_read_staff(&p, &StaffId::from("s2"), "/a/"));
        assert!(!can_edit_staff(&p, "/a/"));
    }

    #[test]
    fn nobody_reviews_their_own_evidence() {
        let mut p = principal(&[Role::Officer], Scope::Subtree("/a/".into()));
        assert!(can_review_evidence(
            &p,
            "/a/",
            Some(&StaffId::from("s2")),
            false
        ));
        assert!(!can_review_evidence(
            &p,
            "/a/",
            Some(&StaffId::from("s1")),
            false
        ));
        assert!(!can_review_evidence(&p, "/a/", None, true));
        assert!(!can_review_evidence(&p, "/x/", None, false));
        p.roles = vec![Role::Manager];
        assert!(can_review_evidence(
            &p,
            "/a/",
            Some(&StaffId::from("s2")),
            false
        ));
        assert!(!can_review_evidence(&p, "/a/", None, false));
        assert!(can_review_evidence(&p, "/a/b/", None, false));
        p.roles = vec![Role::Member];
        assert!(!can_review_evidence(
            &p,
            "/a/",
            Some(&StaffId::from("s2")),
            false
        ));
    }

    #[test]
    fn levels_act_on_nominations_in_their_subtree_but_never_about_themselves() {
        let mut p = principal(&[Role::Manager], Scope::Subtree("/a/b/".into()));
        assert!(can_propose(&p, "/a/b/"));
        assert!(!can_act_at_level(&p, "/a/", None));
        assert!(can_act_at_level(&p, "/a/b/", Some(&StaffId::from("s2"))));
        assert!(!can_act_at_level(&p, "/a/b/", Some(&StaffId::from("s1"))));
        p.roles = vec![Role::Member];
        assert!(!can_propose(&p, "/a/b/"));
        p.roles = vec![Role::Officer];
        p.scope = Scope::Subtree("/a/".into());
        assert!(can_keep_unit_awards(&p, "/a/"));
        assert!(!can_keep_unit_awards(&p, "/x/"));
        assert!(can_edit_rule_set(&p, Some("/a/")));
        assert!(!can_edit_rule_set(&p, None));
    }

    #[test]
    fn reports_are_for_admins_and_officers_of_the_scope() {
        let mut p = principal(&[Role::Officer], Scope::Subtree("/a/".into()));
        assert!(can_read_reports(&p, "/a/b/"));
        assert!(!can_read_reports(&p, "/x/"));
        p.roles = vec![Role::Manager];
        assert!(!can_read_reports(&p, "/a/"));
        p.roles = vec![Role::Admin];
        p.scope = Scope::All;
        assert!(can_read_reports(&p, "/x/"));
    }

    #[test]
    fn manager_keeps_staff_of_subtree_only() {
        let p = principal(&[Role::Manager], Scope::Subtree("/a/".into()));
        assert!(can_edit_staff(&p, "/a/b/"));
        assert!(!can_edit_staff(&p, "/c/"));
    }
}
