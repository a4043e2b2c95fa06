"""Radiology lexicon (package data): the spell checker's word list and the consistency rules' tables."""
