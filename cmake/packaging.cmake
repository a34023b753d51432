# The Debian package (CPack's DEB generator): `cpack -G DEB` in a release build directory, or
# scripts/package.sh, which also checks it (lintian, systemd-analyze verify) and installs it.
# What it holds: /usr/bin/seatd, the browser UI in /usr/share/seatd/web, the demo schedule, a
# hardened systemd unit, an example settings file from which postinst writes
# /etc/seatd/seatd.env with a generated SECRET_KEY, the README, a man page.
include(GNUInstallDirs)
# `cpack` would otherwise build every target (tests, bench, fuzzers) first; the package needs
# only seatd, which scripts/package.sh builds.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(FILES ${CMAKE_SOURCE_DIR}/packaging/seatd.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/seatd.env.example DESTINATION share/seatd)
install(FILES ${CMAKE_SOURCE_DIR}/data/abctravels_schedule.xlsx DESTINATION share/seatd)

# Debian wants the changelog and man page compressed with gzip -9n (no name, no time stamp, so
# the package is reproducible).
set(pkg_docs ${CMAKE_BINARY_DIR}/package-docs)
file(MAKE_DIRECTORY ${pkg_docs})
string(TIMESTAMP pkg_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${pkg_docs}/changelog.Debian
"seatd (${PROJECT_VERSION}-1) unstable; urgency=medium

  * Built from the seatd repository with CPack.

 -- seatd maintainers <seatd@example.org>  ${pkg_date}
")
configure_file(${CMAKE_SOURCE_DIR}/packaging/seatd.1 ${pkg_docs}/seatd.1 COPYONLY)
foreach(f changelog.Debian seatd.1)
  execute_process(COMMAND gzip -9nf ${f} WORKING_DIRECTORY ${pkg_docs})
endforeach()
install(FILES ${pkg_docs}/changelog.Debian.gz ${CMAKE_SOURCE_DIR}/packaging/debian/copyright
              ${CMAKE_SOURCE_DIR}/README.md
        DESTINATION share/doc/seatd)
install(FILES ${pkg_docs}/seatd.1.gz DESTINATION share/man/man1)
# The package is not uploaded to Debian: its changelog closes no Debian bug.
install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/lintian-overrides DESTINATION share/lintian/overrides
        RENAME seatd)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME seatd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "seatd maintainers <seatd@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live seat booking server")
# The summary above is the first line; this is the long description under it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "seatd serves a bus operator's booking API, live seat maps over WebSockets,
temporary seat holds that expire on time, bookings that cannot be taken
twice, e-mailed tickets with a PDF boarding pass, and a browser UI. It runs
alone on SQLite or as several instances sharing PostgreSQL and Redis.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps names the exact shared libraries the binary links (libpq5, libhiredis, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, redis-server, nginx")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
