"""Settings as flags: each command's options for the settings that apply to it (help from the
setting's description), remembered on the click context and built into one ``Settings``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from imr_search.config import SettingInfo, Settings, describe, load_settings

if TYPE_CHECKING:
    pass


F = TypeVar("F", bound=Callable[..., Any])

_SETTINGS_KEY = "imr_search.settings"


def _remember_setting(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    # ``ctx.meta`` is shared by the group's context and the command's, so a setting given
    # before the command and one given after it reach ``settings_from`` the same way.
    if value is not None and param.name:
        ctx.meta.setdefault(_SETTINGS_KEY, {})[param.name] = value


def _setting_type(info: SettingInfo) -> click.ParamType[Any] | None:
    if info.kind not in (int, float):
        return None
    if info.bounds is not None:
        return click.IntRange(*info.bounds)
    if info.kind is int:
        return click.IntRange(1, None)
    return click.FloatRange(0, None, min_open=True)


def where_text(info: SettingInfo) -> str:
    return "imr-search, before the command" if info.where == "imr-search" else info.where


def default_text(info: SettingInfo) -> str:
    return f"${info.env}" + ("" if info.default is None else f", else {info.default}")


def setting_options(where: str) -> Callable[[F], F]:
    """The flags of the settings ``where`` takes (``config.describe()``: one description of
    each setting); their values reach ``settings_from`` through the context."""

    def decorate(fn: F) -> F:
        for info in reversed([i for i in describe() if i.where == where]):
            fn = click.option(
                info.flag,
                info.name,
                type=_setting_type(info),
                metavar="SECONDS" if info.kind is float else "N" if info.kind is int else None,
                default=None,
                expose_value=False,
                callback=_remember_setting,
                help=f"{info.help} (default: {default_text(info)})",
            )(fn)
        return fn

    return decorate


def settings_from(**flags: Any) -> Settings:
    """Settings for this invocation: environment, then the flags given (the command's own and
    those ``setting_options`` collected)."""
    ctx = click.get_current_context(silent=True)
    given = dict(ctx.meta.get(_SETTINGS_KEY, {})) if ctx else {}
    given.update({k: v for k, v in flags.items() if v is not None})
    return load_settings(os.environ, **given)
