"""Settings as flags: each command's options for the settings that apply to it (help and range
from ``config.Settings``), remembered on the click context and built into one ``Settings``.

Each flag names its variable as click's ``envvar``, so click takes the flag over the variable.
The environment is read here, at the edge, and handed to ``config.load_settings``, which checks
every ``IMR_SEARCH_*`` variable (those of settings a command has no flag for too).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from imr_search.setting_list import SETTINGS, SettingInfo

if TYPE_CHECKING:
    from imr_search.config import Settings

F = TypeVar("F", bound=Callable[..., Any])

_SETTINGS_KEY = "imr_search.settings"


def _remember_setting(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    # ``ctx.meta`` is shared by the group's context and the command's, so a setting given
    # before the command and one given after it reach ``settings_from`` the same way.
    if value is not None and param.name:
        ctx.meta.setdefault(_SETTINGS_KEY, {})[param.name] = value


def _range(info: SettingInfo) -> click.ParamType[Any] | None:
    """The flag's type: the setting's range, as click states it."""
    if info.kind is int:
        low = None if info.minimum is None else info.minimum + info.above
        return click.IntRange(low, info.maximum)
    if info.kind is float:
        return click.FloatRange(info.minimum, info.maximum, min_open=info.above)
    return None


class _SettingOption(click.Option):
    """A flag's value is checked by click against its range (click's message); a value click
    read from the variable is passed on as text, for ``load_settings`` to check and to name as
    the variable."""

    def type_cast_value(self, ctx: click.Context, value: Any) -> Any:
        if self.name and ctx.get_parameter_source(self.name) is ParameterSource.ENVIRONMENT:
            return value
        return super().type_cast_value(ctx, value)


def where_text(info: SettingInfo) -> str:
    return "imr-search, before the command" if info.where == "imr-search" else info.where


def default_text(info: SettingInfo) -> str:
    return f"${info.env}" + ("" if info.default is None else f", else {info.default}")


def setting_options(where: str) -> Callable[[F], F]:
    """The flags of the settings ``where`` takes (``setting_list.SETTINGS``: one description of
    each setting); their values reach ``settings_from`` through the context."""

    def decorate(fn: F) -> F:
        for info in reversed([i for i in SETTINGS if i.where == where]):
            fn = click.option(
                info.flag,
                info.name,
                cls=_SettingOption,
                envvar=info.env,
                type=_range(info),
                metavar=info.metavar
                or ("SECONDS" if info.kind is float else "N" if info.kind is int else None),
                default=None,
                expose_value=False,
                callback=_remember_setting,
                help=f"{info.help} (default: {default_text(info)})",
            )(fn)
        return fn

    return decorate


def settings_from(**flags: Any) -> Settings:
    """Settings for this invocation: the environment, then the flags given (the command's own
    and those ``setting_options`` collected)."""
    # Here, not at the top: a command's --help needs no pydantic-settings.
    from imr_search.config import load_settings

    ctx = click.get_current_context(silent=True)
    given = dict(ctx.meta.get(_SETTINGS_KEY, {})) if ctx else {}
    given.update({k: v for k, v in flags.items() if v is not None})
    return load_settings(os.environ, **given)
