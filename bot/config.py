"""The bot's settings, read once from the environment (and an optional .env file)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import i18n

DEFAULT_DATABASE_URL = "sqlite:///partnerbot.sqlite3"


class Settings(BaseSettings):
    """Every setting the bot knows; missing or malformed values stop the start with a message."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    # python-telegram-bot's base_url: the token is appended to it.
    telegram_api_url: str = "https://api.telegram.org/bot"
    database_url: str = DEFAULT_DATABASE_URL
    coordinator_ids: str = Field(default="", description="comma-separated Telegram user ids")
    # Coordinators of one programme only: they receive and see only its submissions and reports.
    coordinator_ids_vwp: str = Field(default="", description="Verwaltungspartnerschaften only")
    coordinator_ids_fkf: str = Field(default="", description="Fachkräftefonds only")
    default_language: str = "de"
    # Where people write to have their data corrected or deleted (an e-mail address or URL).
    privacy_contact: str | None = None

    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None

    # Storage limitation: a draft untouched this many days gets one reminder, and is deleted
    # storage.retention.GRACE_DAYS later; a sent message keeps its text this many days.
    draft_retention_days: int = Field(default=183, ge=1)
    outbox_text_retention_days: int = Field(default=30, ge=1)

    # How often the outbox dispatcher looks for due messages, in seconds.
    outbox_interval: float = 5.0
    rate_limit: bool = True

    # Who publishes the IATI file (`partnerbot export iati`): the organisation's identifier
    # (org-id.guide, e.g. DE-CR-HRB-12345), its name and its IATI OrganisationType code
    # (10 government, 21 international NGO, 22 national NGO, 60 foundation, ...).
    iati_reporting_org_ref: str = "partnerbot"
    iati_reporting_org_name: str = "partnerbot"
    iati_reporting_org_type: str = "10"
    # The DAC 5-digit sector (vocabulary 1) of each programme's deployments and their reports.
    # Fachkräftefonds: experts work inside a partner municipality's administration, so 15112
    # "Decentralisation and support to subnational government" (the CRS code for strengthening
    # local government). Verwaltungspartnerschaften: German authorities advise a partner
    # authority on administrative practice, laws, procedures and staff training, so 15110
    # "Public sector policy and administrative management".
    iati_sector_fkf: str = "15112"
    iati_sector_vwp: str = "15110"

    @field_validator("telegram_api_url")
    @classmethod
    def _normalise_api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. http://127.0.0.1:8081/bot")
        if not value.endswith("/bot"):
            value += "/bot"
        return value

    @field_validator("coordinator_ids", "coordinator_ids_vwp", "coordinator_ids_fkf")
    @classmethod
    def _check_coordinator_ids(cls, value: str) -> str:
        for part in (p.strip() for p in value.split(",")):
            # A person's id: ASCII digits only ("²" is a digit to str.isdigit), above zero and
            # within the 64-bit range Telegram's ids and the database's BIGINT columns share.
            if part and not (re.fullmatch(r"[0-9]+", part) and 0 < int(part) < 2**63):
                raise ValueError(f"{part!r} is not a Telegram user id (a whole number)")
        return value

    @field_validator("iati_sector_fkf", "iati_sector_vwp")
    @classmethod
    def _check_dac_sector(cls, value: str) -> str:
        value = value.strip()
        if not re.fullmatch(r"[1-9][0-9]{4}", value):
            raise ValueError(f"{value!r} is not a DAC 5-digit sector code, e.g. 15112")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError(
                "must be sqlite:///file.sqlite3 or postgresql://user@host:5432/database"
            )
        return value

    @field_validator("default_language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if value not in i18n.LANGUAGES:
            *others, last = (repr(code) for code in i18n.LANGUAGES)
            raise ValueError(
                f"must be {', '.join(others)} or {last}" if others else f"must be {last}"
            )
        return value

    @property
    def coordinators(self) -> frozenset[int]:
        """Every coordinator's Telegram user id, of both programmes or of one."""
        return (
            _ids(self.coordinator_ids)
            | _ids(self.coordinator_ids_vwp)
            | _ids(self.coordinator_ids_fkf)
        )

    def coordinators_for(self, programme: str) -> frozenset[int]:
        """The coordinators who receive and see a programme's submissions and reports."""
        scoped = {"vwp": self.coordinator_ids_vwp, "fkf": self.coordinator_ids_fkf}
        return _ids(self.coordinator_ids) | _ids(scoped.get(programme, ""))

    @property
    def coordinators_by_programme(self) -> dict[str, list[int]]:
        """Who receives each programme's notices: {"fkf": [ids], "vwp": [ids]}."""
        return {p: sorted(self.coordinators_for(p)) for p in ("fkf", "vwp")}

    def iati_sector(self, programme: str) -> str:
        """The DAC 5-digit sector code a programme's activities are published under."""
        return self.iati_sector_vwp if programme == "vwp" else self.iati_sector_fkf

    def programmes_of(self, user_id: int | None) -> frozenset[str]:
        """The programmes a coordinator coordinates (none for everyone else)."""
        return frozenset(p for p in ("fkf", "vwp") if user_id in self.coordinators_for(p))

    @property
    def telegram_file_url(self) -> str:
        """Where files are downloaded from, next to the Bot API URL."""
        return self.telegram_api_url.removesuffix("/bot") + "/file/bot"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None for another database."""
        if not self.database_url.startswith("sqlite:///"):
            return None
        return Path(self.database_url.removeprefix("sqlite:///"))


def _ids(value: str) -> frozenset[int]:
    return frozenset(int(p) for p in value.split(",") if p.strip())
