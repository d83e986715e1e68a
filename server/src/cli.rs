//! The command line: `serve` (default), `migrate`, `seed-demo`, `create-user`,
//! `create-api-key`.

use crate::{config::Config, demo, startup::Application};
use anyhow::Context;
use app::{
    admin::users::service as users,
    audit::{self, Actor, AuditEntry},
    auth::api_key,
    db::{sql, Db},
    domain::Role,
    error::AppError,
};
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "forecourt", version, about = "Forecourt — 汽车经销商订单系统")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the application (the default).
    Serve {
        /// Load the demo data first if the database is empty.
        #[arg(long)]
        seed_demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo dealer group, staff, catalog, vehicles and customers (once).
    SeedDemo {
        /// Also load a two-year sales history of this many orders (with their customers,
        /// leads, cars, ratings and the stores' targets), once: e.g. 1000000.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=5_000_000))]
        orders: Option<i64>,
    },
    /// Create a staff account; prints the password if none is given.
    CreateUser {
        #[arg(long)]
        username: String,
        /// Name shown in the app (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        role: Role,
        /// Store code (e.g. SH01); required unless the role is group-wide.
        #[arg(long)]
        store: Option<String>,
        /// Read from FORECOURT_NEW_PASSWORD if not given; generated if neither.
        #[arg(long, env = "FORECOURT_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Create an API key for an integration; the key is printed once.
    CreateApiKey {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: Role,
        /// Store code the key acts for; required unless the role is group-wide.
        #[arg(long)]
        store: Option<String>,
        /// Required for a key of the admin role: it may then do anything an administrator may.
        #[arg(long)]
        allow_admin: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve { seed_demo: false }) {
        Command::Serve { seed_demo } => {
            if seed_demo {
                let db = open(&config).await?;
                print_seed(demo::seed(&db).await?);
                db.close().await;
            }
            let app = Application::build(config.clone()).await?;
            tracing::info!(
                "listening on http://{}:{} ({:?})",
                config.addr.ip(),
                app.port(),
                config.database
            );
            app.run_until_stopped().await
        }
        Command::Migrate => {
            let db = open(&config).await?;
            println!("migrations applied ({:?})", db.dialect());
            Ok(())
        }
        Command::SeedDemo { orders } => {
            let db = open(&config).await?;
            print_seed(demo::seed(&db).await?);
            if let Some(orders) = orders {
                println!("{}", crate::history::load(&db, orders).await?);
            }
            Ok(())
        }
        Command::CreateUser {
            username,
            name,
            role,
            store,
            password: given,
        } => {
            let db = open(&config).await?;
            let store_id = store_for(&db, role, store.as_deref()).await?;
            let generated = given.is_none();
            let pw = given.unwrap_or_else(|| api_key::generate().0[3..19].to_owned());
            let id = create_user(
                &db,
                &username,
                name.as_deref().unwrap_or(&username),
                role,
                store_id,
                &pw,
            )
            .await?;
            println!("created user {username} (id {id}, role {role})");
            if generated {
                println!("password: {pw}");
            }
            Ok(())
        }
        Command::CreateApiKey {
            name,
            role,
            store,
            allow_admin,
        } => {
            if role == Role::Admin && !allow_admin {
                anyhow::bail!(
                    "--role admin: a key that may do anything an administrator may needs --allow-admin"
                );
            }
            let db = open(&config).await?;
            let store_id = store_for(&db, role, store.as_deref()).await?;
            let (id, key) = api_key::create(&db, name.trim(), role, store_id, None).await?;
            if role == Role::Admin {
                api_key::allow_admin(&db, id).await?;
            }
            audit::record(
                &db,
                Actor::System("cli"),
                AuditEntry::new("api_key.create", "api_key", id)
                    .store(store_id)
                    .after(&serde_json::json!({ "name": name, "role": role })),
                None,
            )
            .await?;
            println!("API key {id} for {name} ({role}). It is shown only this once:\n{key}");
            Ok(())
        }
    }
}

async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database)
        .await
        .map_err(|e| anyhow::anyhow!("{}", app::db::redact_url(&e.to_string())))
        .with_context(|| format!("cannot open the database {}", config.database))?;
    db.migrate().await.context("applying migrations")?;
    Ok(db)
}

fn print_seed(outcome: demo::SeedOutcome) {
    match outcome {
        demo::SeedOutcome::AlreadySeeded => println!("demo data already present; nothing loaded"),
        demo::SeedOutcome::Seeded(summary) => println!("{summary}"),
    }
    println!("{}", demo::logins_table());
}

/// Resolves a store code; store-bound roles must name one.
async fn store_for(db: &Db, role: Role, code: Option<&str>) -> anyhow::Result<Option<i64>> {
    match code {
        Some(code) => {
            let id: Option<i64> = sql("SELECT id FROM stores WHERE code = $1")
                .bind(code.trim())
                .scalar_optional(db)
                .await?;
            id.map(Some)
                .ok_or_else(|| anyhow::anyhow!("--store: no store with code {code:?}"))
        }
        None if role.is_group_wide() => Ok(None),
        None => anyhow::bail!("--store is required for the role {role} (it is not group-wide)"),
    }
}

/// Creates a staff account through the same rules as the admin page; a bad value is
/// reported as the option that carries it.
pub async fn create_user(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    store_id: Option<i64>,
    pw: &str,
) -> anyhow::Result<i64> {
    let new = users::NewUser {
        username,
        display_name,
        role: role.code(),
        store_id,
        password: pw,
    };
    users::create_by_operator(db, "cli", new)
        .await
        .map_err(|e| match e {
            AppError::Invalid { fields, .. } if !fields.is_empty() => {
                let f = &fields[0];
                let option = match f.field.as_str() {
                    "display_name" => "name",
                    "store_id" => "store",
                    other => other,
                };
                anyhow::anyhow!("--{option}: {}", f.message)
            }
            other => anyhow::anyhow!("{other}"),
        })
}
