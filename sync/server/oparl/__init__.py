"""OParl 1.1 for our own data, at `/oparl/v1.1/system`.

Anonymous callers see what is public (everything the audience key of a whole body allows: published
meetings, public agenda items and papers with their files, organizations, persons, memberships); a
caller with a bearer token sees in addition what the audience keys of their account allow, every such
object marked `"gremalda:public": false`. E-files have no OParl type and are never served here.
"""
