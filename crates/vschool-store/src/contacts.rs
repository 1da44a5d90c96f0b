//! School contacts who may receive the half-termly pack.

use sqlx::AnyConnection;
use vschool_domain::pupil::{Contact, ContactRole};

use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, insert_batched, TableKey, Val};

pub(crate) const CONTACTS: TableKey = TableKey {
    table: "contacts",
    what: "contacts",
    key: "URN and email",
};

pub(crate) async fn insert(conn: &mut AnyConnection, rows: &[Contact]) -> Result<u64> {
    insert_batched(
        conn,
        CONTACTS,
        ["urn", "role", "name", "email"],
        rows,
        |c| {
            [
                Val::Int(i64::from(c.urn.get())),
                c.role.code().into(),
                c.name.as_str().into(),
                c.email.as_str().into(),
            ]
        },
    )
    .await
}

/// A contact with whether they unsubscribed from packs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContact {
    pub contact: Contact,
    pub unsubscribed: bool,
}

pub(crate) async fn load(conn: &mut AnyConnection) -> Result<Vec<StoredContact>> {
    let rows = sqlx::query("SELECT urn, role, name, email, unsubscribed FROM contacts ORDER BY id")
        .fetch_all(conn)
        .await
        .ctx("reading contacts")?;
    rows.iter()
        .map(|r| {
            let role: String = get(r, "role")?;
            let unsubscribed: i64 = get(r, "unsubscribed")?;
            Ok(StoredContact {
                contact: Contact {
                    urn: urn_of("contacts.urn", get(r, "urn")?)?,
                    role: ContactRole::parse(&role).ok_or_else(|| {
                        StoreError::corrupt("contacts.role", role.clone(), "not DSL, DT or HEAD")
                    })?,
                    name: get(r, "name")?,
                    email: get(r, "email")?,
                },
                unsubscribed: unsubscribed != 0,
            })
        })
        .collect()
}

impl Store {
    /// Every school contact, in the order stored, with their subscription state.
    pub async fn contacts(&self) -> Result<Vec<StoredContact>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load(&mut conn).await
    }
}
