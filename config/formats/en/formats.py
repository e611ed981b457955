"""Dates as the product writes them everywhere (admin fields, lists, pages, emails): "7 Dec 2026, 20:44".

Django's English formats ("Dec. 7, 2026, 8:44 p.m." and "12/07/2026") read differently beside the pages'
own, and the short one is ambiguous across countries. Input formats stay Django's.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
