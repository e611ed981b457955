"""The designs API: designs and their partners (``designs``), the material catalogue and bills of materials
(``materials``)."""
