"""DIMSE with a site's PACS (issue 19, item 5): a second image source beside the platform's DICOMweb.

* :mod:`workstation.pacs.nodes`: the PACS entries of the settings (Qt- and network-free);
* :mod:`workstation.pacs.dimse`: C-ECHO, C-FIND, C-MOVE/C-GET and C-STORE with pynetdicom;
* :mod:`workstation.pacs.cached`: retrievals sealed into the encrypted study cache, audited.

This package's ``__init__`` imports nothing, so reading the settings does not load pynetdicom.
"""
