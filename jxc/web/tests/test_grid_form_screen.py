"""GridFormScreen: ``grid_save`` is a declared abstract hook — a screen that forgets it
cannot be made (its module's ``SCREENS`` fails on import), one that declares it can."""

import inspect

import pytest

from jxc.inventory.documents.assembly_models import Kit
from jxc.web.generic.grid_form import GridFormScreen
from jxc.web.views.stock_assembly import KitScreen


class _Forgetful(GridFormScreen):
    model = Kit
    resource = "assembly"
    name = "forgetful_kit"


class _Saving(_Forgetful):
    def grid_save(self, request, data, lines):
        return None


def test_a_grid_form_screen_without_grid_save_cannot_be_made():
    assert inspect.isabstract(_Forgetful)
    with pytest.raises(TypeError, match="grid_save"):
        _Forgetful()


def test_a_grid_form_screen_that_declares_grid_save_is_made():
    assert not inspect.isabstract(_Saving)
    assert isinstance(_Saving(), GridFormScreen)


def test_the_kit_screen_declares_every_hook():
    assert GridFormScreen.__abstractmethods__ == frozenset({"grid_save"})
    assert not inspect.isabstract(KitScreen)
