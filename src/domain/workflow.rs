//! The one shape of every workflow: a table of moves, each from some states, by an
//! action, to a state, when a guard on the record allows it. Plans, evidence, nominations
//! (and the dossier that travels with them) and council sessions each declare their table
//! beside their statuses; [`next`] reads any of them the same way.

use std::fmt::Display;

use crate::domain::Error;

/// One move of a workflow.
#[derive(Clone, Copy)]
pub struct Move<S: 'static, A, R> {
    /// The states it leaves.
    pub from: &'static [S],
    /// What asks for it. For workflows moved by naming the next state, the state itself.
    pub action: A,
    /// The state it reaches.
    pub to: S,
    /// When it also depends on the record (which level acts, say); [`always`] otherwise.
    pub when: fn(&R) -> bool,
}

impl<S: Copy, R> Move<S, S, R> {
    /// A move by naming the state it reaches.
    pub const fn to(from: &'static [S], to: S) -> Self {
        Move {
            from,
            action: to,
            to,
            when: always::<R>,
        }
    }
}

impl<S: Copy, A: Copy, R> Move<S, A, R> {
    /// A move by an action.
    pub const fn by(from: &'static [S], action: A, to: S) -> Self {
        Move {
            from,
            action,
            to,
            when: always::<R>,
        }
    }

    /// The same move, only when `guard` holds for the record.
    pub const fn when(self, guard: fn(&R) -> bool) -> Self {
        Move {
            when: guard,
            ..self
        }
    }
}

/// The guard of a move that depends only on the state.
pub fn always<R>(_: &R) -> bool {
    true
}

/// A workflow's states, with its table of moves.
pub trait Workflow: Copy + Eq + Display + 'static {
    /// What asks for a move.
    type Action: Copy + Eq + Display + 'static;
    /// What the guards read.
    type Record: 'static;
    fn moves() -> &'static [Move<Self, Self::Action, Self::Record>];

    /// The conflict a move the table does not have answers, in the workflow's words.
    fn refused(from: Self, action: Self::Action) -> Error;
}

/// Where `action` takes a record in state `from`: the first move of the table that leaves
/// `from` by `action` and whose guard holds, else a conflict naming both.
pub fn next<S: Workflow>(from: S, action: S::Action, record: &S::Record) -> Result<S, Error> {
    S::moves()
        .iter()
        .find(|m| m.action == action && m.from.contains(&from) && (m.when)(record))
        .map(|m| m.to)
        .ok_or_else(|| S::refused(from, action))
}

/// Whether the table has a move from `from` by `action` (guards aside): for workflows
/// moved by naming the next state, whether that state may follow.
pub fn allows<S: Workflow>(from: S, action: S::Action) -> bool {
    S::moves()
        .iter()
        .any(|m| m.action == action && m.from.contains(&from))
}
