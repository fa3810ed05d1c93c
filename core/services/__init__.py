"""One function per user action. See core/services/base.py for the contract."""
