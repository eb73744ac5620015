"""Frontline Atlas dashboard: ``streamlit run app.py``."""

from dashboard.app import main

main()
