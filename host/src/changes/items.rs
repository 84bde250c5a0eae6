//! Talking to the router on behalf of change control: reading the items a write touches (by
//! `.id` or name, a singleton menu, a menu's order) and sending one exact write. A router that
//! does not answer is an error here, never "no such item".

use std::collections::BTreeMap;
use std::time::Duration;

use crate::plugin_host::RecordedWrite;
use crate::routeros::{Limits, Request, Response, Router};

/// An item as the router prints it: field → value.
pub type Item = BTreeMap<String, String>;

/// Split `/ip/firewall/filter/set` into its menu and verb.
pub fn menu_and_verb(command: &str) -> (&str, &str) {
    match command.rsplit_once('/') {
        Some((menu, verb)) if !menu.is_empty() => (menu, verb),
        Some((_, verb)) => ("", verb),
        None => ("", command),
    }
}

/// Router access with one deadline per command.
pub struct Items<'a> {
    pub router: &'a dyn Router,
    pub deadline: Duration,
}

impl Items<'_> {
    async fn run(&self, request: Request) -> Result<Response, String> {
        let command = request.command.clone();
        let request = request.limits(Limits {
            deadline: self.deadline,
            max_rows: 100_000,
        });
        let response = self.router.call(request).await.map_err(|e| e.to_string())?;
        if !response.is_complete() {
            return Err(format!(
                "router {} did not finish {command} within {} s",
                self.router.target(),
                self.deadline.as_secs()
            ));
        }
        Ok(response)
    }

    /// The items of `menu` that match `queries` (API query words such as `?name=x`).
    pub async fn print(&self, menu: &str, queries: &[String]) -> Result<Vec<Item>, String> {
        let mut request = Request::new(format!("{menu}/print"));
        for q in queries {
            request = request.query(q.clone());
        }
        let response = self.run(request).await?;
        Ok(response.rows.iter().map(item_of).collect())
    }

    /// The item `selector` names in `menu`: `*1A` by `.id`, anything else by `name`.
    /// `Ok(None)` when the router answered that there is no such item.
    pub async fn find(&self, menu: &str, selector: &str) -> Result<Option<Item>, String> {
        let query = if selector.starts_with('*') {
            format!(".id={selector}")
        } else {
            format!("name={selector}")
        };
        Ok(self.print(menu, &[query]).await?.into_iter().next())
    }

    /// The one item of a singleton menu (`/ip/dns`, `/system/identity`).
    pub async fn singleton(&self, menu: &str) -> Result<Item, String> {
        self.print(menu, &[])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| format!("router {} printed nothing for {menu}", self.router.target()))
    }

    /// The `.id`s of `menu`'s items, in the router's order.
    pub async fn order(&self, menu: &str) -> Result<Vec<String>, String> {
        let mut request = Request::new(format!("{menu}/print"));
        request = request.arg(".proplist", ".id");
        let response = self.run(request).await?;
        Ok(response
            .rows
            .iter()
            .filter_map(|row| row.text(".id").map(|id| id.into_owned()))
            .collect())
    }

    /// Send one write exactly; the `ret` of `!done` (the new id of an `add`), if any.
    pub async fn send(&self, write: &RecordedWrite) -> Result<Option<String>, String> {
        let mut request = Request::new(write.command.clone());
        for (name, value) in &write.args {
            request = request.arg(name.clone(), value.clone());
        }
        let response = self.run(request).await?;
        Ok(response.done.text("ret").map(|r| r.into_owned()))
    }
}

/// A router row as an [`Item`].
fn item_of(row: &crate::routeros::Row) -> Item {
    row.iter()
        .map(|attr| (attr.name().into_owned(), attr.value().into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_into_menu_and_verb() {
        assert_eq!(
            menu_and_verb("/ip/firewall/filter/set"),
            ("/ip/firewall/filter", "set")
        );
        assert_eq!(menu_and_verb("/system/reboot"), ("/system", "reboot"));
        assert_eq!(menu_and_verb("/export"), ("", "export"));
    }
}
