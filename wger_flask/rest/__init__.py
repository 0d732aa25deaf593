"""The generic REST layer: the only code that knows DRF's conventions."""
