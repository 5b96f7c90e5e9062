//! Dates and times: `date`, `time` and `timestamp` with chrono, with the time crate,
//! and with the driver's raw `CqlDate`, `CqlTime` and `CqlTimestamp`.

use examples::{BoxError, Target};
use futures::TryStreamExt;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::value::{CqlDate, CqlTime, CqlTimestamp};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session: Session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_time WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_time.dates (d date PRIMARY KEY)",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_time.times (t time PRIMARY KEY)",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_time.timestamps (t timestamp PRIMARY KEY)",
            &[],
        )
        .await?;

    // date: chrono::NaiveDate, time::Date, CqlDate (days since -5877641-06-23).
    let chrono_date = chrono::NaiveDate::from_ymd_opt(2021, 3, 24).ok_or("bad date")?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.dates (d) VALUES (?)",
            (chrono_date,),
        )
        .await?;
    let time_date = time::Date::from_calendar_date(1999, time::Month::December, 31)?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.dates (d) VALUES (?)",
            (time_date,),
        )
        .await?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.dates (d) VALUES (?)",
            (CqlDate((1 << 31) + 7),),
        )
        .await?;
    let mut dates = session
        .query_iter("SELECT d FROM examples_time.dates", &[])
        .await?
        .rows_stream::<(chrono::NaiveDate,)>()?;
    while let Some((d,)) = dates.try_next().await? {
        println!("date (chrono): {d}");
    }
    let mut dates = session
        .query_iter("SELECT d FROM examples_time.dates", &[])
        .await?
        .rows_stream::<(CqlDate,)>()?;
    while let Some((d,)) = dates.try_next().await? {
        println!("date (raw days, 2^31 = 1970-01-01): {}", d.0);
    }

    // time: chrono::NaiveTime, time::Time, CqlTime (nanoseconds since midnight).
    let chrono_time =
        chrono::NaiveTime::from_hms_nano_opt(1, 2, 3, 456_789_012).ok_or("bad time")?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.times (t) VALUES (?)",
            (chrono_time,),
        )
        .await?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.times (t) VALUES (?)",
            (time::Time::from_hms_nano(23, 59, 59, 1)?,),
        )
        .await?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.times (t) VALUES (?)",
            (CqlTime(64_000_000_000),),
        )
        .await?;
    let mut times = session
        .query_iter("SELECT t FROM examples_time.times", &[])
        .await?
        .rows_stream::<(time::Time,)>()?;
    while let Some((t,)) = times.try_next().await? {
        println!("time (time crate): {t}");
    }

    // timestamp: chrono::DateTime<Utc>, time::OffsetDateTime, CqlTimestamp (ms).
    let now = chrono::Utc::now();
    session
        .query_unpaged(
            "INSERT INTO examples_time.timestamps (t) VALUES (?)",
            (now,),
        )
        .await?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.timestamps (t) VALUES (?)",
            (time::OffsetDateTime::UNIX_EPOCH,),
        )
        .await?;
    session
        .query_unpaged(
            "INSERT INTO examples_time.timestamps (t) VALUES (?)",
            (CqlTimestamp(1_000),),
        )
        .await?;
    let mut stamps = session
        .query_iter("SELECT t FROM examples_time.timestamps", &[])
        .await?
        .rows_stream::<(chrono::DateTime<chrono::Utc>,)>()?;
    let mut n = 0;
    while let Some((t,)) = stamps.try_next().await? {
        println!("timestamp (chrono): {t}");
        n += 1;
    }
    assert_eq!(n, 3);
    Ok(())
}
