"""Straight into a learner's Anki collection (`chaincards sync`): the packages a build wrote
are read back (`wanted`), compared with what the collection holds (`plan`, with `notetypes`
and `media`: pure), and the difference written through Anki's own backend in one
transaction (`apply`), on a collection `opening` opened or refused. `profiles` finds a
collection by its Anki profile's name.

Only `opening` and `apply` import the `anki` package, an optional extra (`chaincards[anki]`).
"""
