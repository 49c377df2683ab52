/* /lapor: "Gunakan lokasi saya" and the pin map. Both only fill the plain #lat/#long fields, which the form
   sends with or without this script (JavaScript off: type them, or write the address). Leaflet is vendored in
   vendor/leaflet (BSD-2); map tiles load only when MUARA_MAP_TILES names a tile server, otherwise the map shows
   the city's box and centre and a tap still places the pin. */
(function () {
  "use strict";
  var lat = document.getElementById("lat");
  var lon = document.getElementById("long");
  var pesan = document.getElementById("lokasi-pesan");
  var tombol = document.getElementById("lokasi-saya");
  var petaEl = document.getElementById("peta");
  if (!lat || !lon) { return; }
  var pin = null;
  var peta = null;

  function tampil(teks) { if (pesan) { pesan.textContent = teks; } }

  function isi(la, lo, asal) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    taruh(la, lo, false);
    tampil("Lokasi " + asal + ": " + lat.value + ", " + lon.value);
  }

  function taruh(la, lo, geser) {
    if (!peta) { return; }
    if (pin) { pin.setLatLng([la, lo]); } else { pin = window.L.marker([la, lo]).addTo(peta); }
    if (geser) { peta.panTo([la, lo]); }
  }

  if (petaEl && window.L) {
    var d = petaEl.dataset;
    var batas = window.L.latLngBounds([+d.latMin, +d.lonMin], [+d.latMax, +d.lonMax]);
    petaEl.hidden = false;
    var petunjuk = document.getElementById("peta-petunjuk");
    if (petunjuk) { petunjuk.hidden = false; }
    window.L.Icon.Default.imagePath = "/static/vendor/leaflet/images/";
    peta = window.L.map(petaEl, { maxBounds: batas.pad(0.2), attributionControl: !!d.tiles });
    peta.fitBounds(batas);
    if (d.tiles) {
      window.L.tileLayer(d.tiles, { maxZoom: 19, attribution: "&copy; kontributor OpenStreetMap" }).addTo(peta);
    } else {
      window.L.rectangle(batas, { color: "#0b4f6c", weight: 1, fillOpacity: 0.05, interactive: false }).addTo(peta);
    }
    window.L.circleMarker([+d.lat, +d.lon], { radius: 5, color: "#0b6c9c", interactive: false }).addTo(peta);
    peta.on("click", function (e) { isi(e.latlng.lat, e.latlng.lng, "dari peta"); });
    var ubah = function () {
      var la = parseFloat(lat.value.replace(",", ".")), lo = parseFloat(lon.value.replace(",", "."));
      if (isFinite(la) && isFinite(lo)) { taruh(la, lo, true); }
    };
    lat.addEventListener("change", ubah);
    lon.addEventListener("change", ubah);
    ubah();
  }

  if (tombol && navigator.geolocation) {
    tombol.hidden = false;
    tombol.addEventListener("click", function () {
      tampil("Mencari lokasi Anda…");
      navigator.geolocation.getCurrentPosition(
        function (pos) { isi(pos.coords.latitude, pos.coords.longitude, "Anda (akurasi ± " + Math.round(pos.coords.accuracy) + " m)"); },
        function (err) {
          var sebab = err.code === 1 ? "izin lokasi ditolak di peramban" : err.code === 3 ? "waktu habis" : "lokasi tidak tersedia";
          tampil("Lokasi tidak didapat (" + sebab + "). Ketuk peta atau isi lintang dan bujur, atau tulis alamatnya.");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
})();
