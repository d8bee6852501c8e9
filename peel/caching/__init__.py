"""The public page cache: whole responses kept for anonymous visitors, dropped whenever what they show may change.

* ``pages``: the middleware that serves and stores responses, with ``Cache-Control``, ``ETag`` and 304s;
* ``generation``: the token every stored page is filed under, replaced on any write to public content and when
  the next scheduled item, change note or consultation opening or closing comes due;
* ``watch``: notices writes to public tables, however they are made (a save, a queryset update, a bulk load).
"""
