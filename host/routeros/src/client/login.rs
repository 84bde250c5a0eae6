//! Logging in: plain `/login =name= =password=` (RouterOS ≥ 6.43), falling back to the MD5
//! challenge when the router answers `!done =ret=<challenge>` (older routers).

use bytes::Bytes;
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncWrite};

use super::framed::{ReadError, SentenceReader, write_sentence};
use crate::sentence::{Reply, ReplyKind};
use crate::text::to_text;

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The router refused the credentials (its message).
    #[error("{0}")]
    Refused(String),
    /// The exchange broke (I/O, garbage, unexpected reply).
    #[error("{0}")]
    Broken(String),
}

impl From<ReadError> for LoginError {
    fn from(e: ReadError) -> Self {
        LoginError::Broken(e.to_string())
    }
}

/// The MD5 challenge response: `00` + hex(md5(0x00 + password + challenge bytes)).
pub fn challenge_response(password: &str, challenge_hex: &str) -> Result<String, LoginError> {
    let challenge = hex::decode(challenge_hex.trim()).map_err(|_| {
        LoginError::Broken(format!(
            "router sent a login challenge that is not hex: {challenge_hex:?}"
        ))
    })?;
    let mut md5 = Md5::new();
    md5.update([0u8]);
    md5.update(password.as_bytes());
    md5.update(&challenge);
    Ok(format!("00{}", hex::encode(md5.finalize())))
}

fn word(s: String) -> Bytes {
    Bytes::from(s)
}

/// Run the login exchange on a fresh connection.
pub async fn login<R, W>(
    reader: &mut SentenceReader<R>,
    writer: &mut W,
    user: &str,
    password: &str,
) -> Result<(), LoginError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let first = [
        Bytes::from_static(b"/login"),
        word(format!("=name={user}")),
        word(format!("=password={password}")),
    ];
    write_sentence(writer, &first)
        .await
        .map_err(|e| LoginError::Broken(format!("sending login failed: {e}")))?;
    let challenge = match finish(reader).await? {
        Some(challenge) => challenge,
        None => return Ok(()),
    };
    let response = challenge_response(password, &challenge)?;
    let second = [
        Bytes::from_static(b"/login"),
        word(format!("=name={user}")),
        word(format!("=response={response}")),
    ];
    write_sentence(writer, &second)
        .await
        .map_err(|e| LoginError::Broken(format!("sending login failed: {e}")))?;
    match finish(reader).await? {
        None => Ok(()),
        Some(_) => Err(LoginError::Broken(
            "router sent a second login challenge".into(),
        )),
    }
}

/// Read replies up to `!done`: `Ok(None)` = logged in, `Ok(Some(challenge))` = answer it.
async fn finish<R: AsyncRead + Unpin>(
    reader: &mut SentenceReader<R>,
) -> Result<Option<String>, LoginError> {
    let mut refused: Option<String> = None;
    loop {
        let reply = Reply::from_frame(reader.read().await?)
            .map_err(|e| LoginError::Broken(format!("unexpected login reply: {e}")))?;
        match reply.kind {
            ReplyKind::Trap => {
                let msg = reply
                    .get("message")
                    .map(|m| to_text(m).into_owned())
                    .unwrap_or_else(|| "login refused".into());
                refused.get_or_insert(msg);
            }
            ReplyKind::Fatal => {
                let reason = reply
                    .other
                    .first()
                    .map(|r| to_text(r).into_owned())
                    .unwrap_or_default();
                return Err(LoginError::Refused(format!(
                    "router ended the session: {reason}"
                )));
            }
            ReplyKind::Done => {
                if let Some(msg) = refused {
                    return Err(LoginError::Refused(msg));
                }
                return Ok(reply.get("ret").map(|r| to_text(r).into_owned()));
            }
            ReplyKind::Re | ReplyKind::Empty => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_vectors() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/login_vectors.json");
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let vectors = v["md5_vectors"].as_array().unwrap();
        assert!(vectors.len() >= 3);
        for case in vectors {
            let got = challenge_response(
                case["password"].as_str().unwrap(),
                case["challenge"].as_str().unwrap(),
            )
            .unwrap();
            assert_eq!(got, case["response"].as_str().unwrap());
        }
    }

    #[test]
    fn bad_challenge_is_an_error() {
        assert!(challenge_response("x", "zz").is_err());
    }
}
