"""One agency-year, from its params file to report.ipynb, report.html and report.pdf.

Owns, in the order a render runs them:

- ``pipeline``   — :func:`render_agency_year`, the whole render (validate, check, run, combine,
  convert, publish atomically); ``locations`` — where notebooks, templates and outputs are;
- ``execution``  — papermill and the (warm) kernels the section notebooks run in; ``engine`` —
  papermill's engine for them (a dead kernel or a hung cell recorded in its cell);
- ``safety``     — the output-folder lock, signals held back while publishing, the cell
  timeout, one-line messages for failed writes;
- what the sections print: ``tables`` (二, 三, 四 with the official merged headers),
  ``narrative`` (title, 一, 五, 六), ``sections`` (the six sections), ``charts`` (图解) with
  ``fonts`` (the CJK faces), and ``notebook`` (the helpers the section notebooks call);
- ``combine``    — the executed sections → ``report.ipynb``;
- ``html``       — nbconvert with reportkit's template → ``report.html``;
- ``pdf``        — WeasyPrint → ``report.pdf``;
- ``docx`` and ``docx_layout`` — ``report.docx``;
- ``manifest``   — ``manifest.json``;
- ``environment`` — what a render needs from the machine, probed (``reportkit doctor``, the
  slow-PDF warning);
- ``warm``       — a cold process's libraries readied while the kernel runs the sections;
- ``templating`` and ``templates/`` — the Jinja templates and the stylesheet.

May import: :mod:`reportkit.checks`, :mod:`reportkit.model`, :mod:`reportkit.errors`. This
``__init__`` imports nothing, so that ``reportkit.render.locations`` stays cheap to import.
"""
